"""The browse and search filters list exactly the people who own a document,
read from DocumentOwner (owners.py), which every save of a document keeps in
step."""

import pytest

from docs_registry import owners, services
from docs_registry.models import Document, DocumentOwner

from .factories import make_document, make_user
from .html import main


def owner_options(client, path: str = "/docs/") -> list[str]:
    """The people the page's owner filter offers, as served."""
    select = main(client.get(path)).one("select", id="id_owner")
    return [option.text for option in select.select("option")][1:]  # "Any owner"


@pytest.mark.django_db
def test_a_new_document_lists_its_owner_and_a_transfer_moves_it(
    client, document, owner, manager, sales_staff
):
    client.force_login(sales_staff)
    assert owner_options(client) == ["Sales Lead (sales-lead)"]
    new_owner = make_user("ann", in_sales=True, first_name="Ann")
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Moved"
    )
    # The previous owner owned nothing else: they leave the filter.
    assert owner_options(client) == ["Ann (ann)"]
    assert owner_options(client, "/search/?q=discount") == ["Ann (ann)"]


@pytest.mark.django_db
def test_someone_who_still_owns_a_document_stays_listed(
    client, document, owner, manager, category, sales_staff
):
    make_document(owner=owner, manager=manager, category=category, title="Second")
    new_owner = make_user("ann", in_sales=True, first_name="Ann")
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Moved"
    )
    client.force_login(sales_staff)
    assert owner_options(client) == ["Ann (ann)", "Sales Lead (sales-lead)"]


@pytest.mark.django_db
def test_a_document_saved_in_the_admin_moves_its_owner_too(document, owner, manager):
    new_owner = make_user("ann", in_sales=True)
    document.owner = new_owner
    document.save()
    assert set(DocumentOwner.objects.values_list("user_id", flat=True)) == {
        new_owner.pk
    }


@pytest.mark.django_db
def test_rebuild_lists_the_owners_of_documents_written_in_bulk(
    document, owner, manager, category
):
    other = make_user("ann", in_sales=True)
    bulk = Document(
        doc_id="PRC-0099", category=category, title="Bulk", audience="both", owner=other
    )
    Document.objects.bulk_create([bulk])  # sends no signal
    assert other.pk not in DocumentOwner.objects.values_list("user_id", flat=True)
    owners.rebuild()
    assert set(DocumentOwner.objects.values_list("user_id", flat=True)) == {
        owner.pk,
        other.pk,
    }
