import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from docs_registry import services
from docs_registry.models import Category, Document, Draft, Version
from docs_registry.rendering import RenderingError

from .factories import make_category, make_document, make_user, publish

pytestmark = pytest.mark.django_db


def test_ids_are_sequential_per_prefix(owner, manager, category):
    policy = make_category(name="Policy", prefix="POL")
    ids = [
        make_document(owner=owner, manager=manager, category=c).doc_id
        for c in (category, category, policy, category)
    ]
    assert ids == ["PRC-0001", "PRC-0002", "POL-0001", "PRC-0003"]


def test_ids_are_never_reused_after_retirement(document, owner, manager, category):
    services.document_retire(document=document, actor=manager, reason="Superseded")
    assert make_document(owner=owner, manager=manager).doc_id == "PRC-0002"


def test_id_stays_when_category_changes(document, manager):
    policy = make_category(name="Policy", prefix="POL")
    services.document_update_details(
        document=document,
        actor=manager,
        title=document.title,
        category=policy,
        audience=document.audience,
    )
    document.refresh_from_db()
    assert (document.doc_id, document.category) == ("PRC-0001", policy)
    assert make_document(
        owner=document.owner, manager=manager, category=policy
    ).doc_id == ("POL-0001")


def test_database_refuses_a_duplicate_id(document, owner, category):
    duplicate = Document(
        doc_id=document.doc_id,
        category=category,
        title="x",
        audience="both",
        owner=owner,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_create_makes_v1_created(document, manager):
    version = document.current_version
    assert (version.number, version.summary, version.published_by) == (
        1,
        "Created",
        manager,
    )
    assert "<strong>10%</strong>" in version.body_html


def test_only_managers_create(owner, category):
    with pytest.raises(PermissionDenied):
        make_document(owner=owner, manager=owner, category=category)
    assert not Document.objects.exists()


def test_create_refuses_an_inactive_owner(manager, category):
    gone = make_user("gone", is_active=False)
    with pytest.raises(services.ServiceError) as error:
        make_document(owner=gone, manager=manager, category=category)
    assert error.value.code == "inactive_user"
    assert Category.objects.get().last_number == 0  # rolled back: no ID consumed


def test_publish_numbers_versions_without_gaps(document):
    for n in range(2, 6):
        assert publish(document, body=f"Body {n}").number == n
    numbers = list(
        document.versions.order_by("number").values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5]
    document.refresh_from_db()
    assert document.current_version.number == 5
    assert document.current_version.body == "Body 5"


def _version_row(document, *, number: int) -> Version:
    """A row every other rule accepts: hashes of the right length, number >= 1."""
    return Version(
        document=document,
        number=number,
        title="t",
        body="b",
        body_html="<p>b</p>",
        summary="s",
        significance="minor",
        published_by=document.owner,
        published_at=document.created_at,
        content_hash="0" * 64,
        chain_hash="0" * 64,
    )


def test_database_refuses_a_duplicate_version_number(document):
    _version_row(document, number=2).save()  # the same row with a new number is fine
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        _version_row(document, number=1).save()
    # SQLite names the columns, PostgreSQL the constraint.
    message = str(error.value)
    assert (
        "version_number_unique" in message
        or "docs_registry_version.document_id, docs_registry_version.number" in message
    )


def test_only_the_owner_publishes_not_even_a_manager(document, manager, sales_staff):
    for actor in (manager, sales_staff):
        with pytest.raises(PermissionDenied):
            services.document_publish(
                document=document,
                actor=actor,
                title="t",
                body="b",
                summary="s",
                significance="major",
                base_number=1,
            )
    assert document.versions.count() == 1


def test_manager_who_owns_the_document_publishes(manager, category):
    own = make_document(owner=manager, manager=manager, category=category)
    assert publish(own, body="New").number == 2


def test_publish_requires_a_summary_of_at_most_500_characters(document):
    for summary, code in (("  ", "summary_required"), ("x" * 501, "summary_too_long")):
        with pytest.raises(services.ServiceError) as error:
            publish(document, body="New", summary=summary)
        assert error.value.code == code
    assert publish(document, body="New", summary="x" * 500).number == 2


def test_stale_draft_is_refused_and_kept(document, owner):
    services.draft_save(
        document=document,
        actor=owner,
        title=document.title,
        body="My long careful rewrite",
        summary="Rewrite",
        significance="major",
        base_number=1,
    )
    # The same owner published from another tab in the meantime.
    services.document_publish(
        document=document,
        actor=owner,
        title=document.title,
        body="Quick fix",
        summary="Fix",
        significance="minor",
        base_number=1,
    )
    with pytest.raises(services.StaleDraftError) as error:
        services.document_publish(
            document=document,
            actor=owner,
            title=document.title,
            body="My long careful rewrite",
            summary="Rewrite",
            significance="major",
            base_number=1,
        )
    assert (error.value.base_number, error.value.current_number) == (1, 2)
    draft = Draft.objects.get(document=document)
    assert draft.body == "My long careful rewrite"
    assert document.versions.count() == 2

    services.draft_rebase(document=document, actor=owner)
    version = services.document_publish(
        document=document,
        actor=owner,
        title=document.title,
        body=draft.body,
        summary="Rewrite",
        significance="major",
        base_number=2,
    )
    assert version.number == 3
    assert not Draft.objects.filter(document=document).exists()


def test_publish_refuses_a_body_the_renderer_refuses(document):
    with pytest.raises(RenderingError):
        publish(document, body="x" * (200 * 1024 + 1))
    assert document.versions.count() == 1


def test_title_change_on_publish_is_recorded(document, owner):
    publish(document, body="New", title="Discount rules (2026)")
    document.refresh_from_db()
    assert document.title == "Discount rules (2026)"
    record = document.history.first()
    assert (record.history_user, record.history_change_reason) == (
        owner,
        "Title changed in v2",
    )


def test_history_records_who_and_why(document, manager, owner):
    new_owner = make_user("support-lead", in_support=True)
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Parental leave"
    )
    services.document_retire(document=document, actor=manager, reason="Merged")
    records = list(document.history.order_by("history_date", "history_id"))
    assert [
        (r.history_type, r.history_user, r.history_change_reason) for r in records
    ] == [
        ("+", manager, "Created"),
        ("~", manager, "Parental leave"),
        ("~", manager, "Merged"),
    ]
    assert [r.owner for r in records] == [owner, new_owner, new_owner]
    assert records[-1].status == "retired"


def test_change_reason_is_not_reused_by_a_later_save(document, manager):
    services.document_retire(document=document, actor=manager, reason="Merged")
    document.refresh_from_db()
    document.save()  # e.g. a data fix in a shell
    assert document.history.first().history_change_reason is None


def test_transfer_discards_the_previous_owners_draft_visibly(document, owner, manager):
    services.draft_save(
        document=document,
        actor=owner,
        title="t",
        body="half done",
        summary="",
        significance="major",
        base_number=1,
    )
    new_owner = make_user("support-lead")
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Reorg"
    )
    assert not Draft.objects.exists()
    assert "draft based on v1 was discarded" in (
        document.history.first().history_change_reason
    )


@pytest.mark.parametrize(
    ("reason", "new_owner_name", "code"),
    [("", "support-lead", "reason_required"), ("Reorg", "sales-lead", "same_owner")],
)
def test_transfer_refusals(document, manager, reason, new_owner_name, code):
    make_user("support-lead")
    from docs_registry.models import User

    with pytest.raises(services.ServiceError) as error:
        services.ownership_transfer(
            document=document,
            actor=manager,
            new_owner=User.objects.get(username=new_owner_name),
            reason=reason,
        )
    assert error.value.code == code


def test_transfer_refuses_an_inactive_owner_and_non_managers(document, manager, owner):
    gone = make_user("gone", is_active=False)
    with pytest.raises(services.ServiceError):
        services.ownership_transfer(
            document=document, actor=manager, new_owner=gone, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.ownership_transfer(
            document=document, actor=owner, new_owner=manager, reason="x"
        )


def test_retire_keeps_the_document_readable_and_unpublishable(document, manager):
    services.document_retire(document=document, actor=manager, reason="Obsolete")
    document.refresh_from_db()
    assert (document.status, document.retired_by, document.retirement_reason) == (
        "retired",
        manager,
        "Obsolete",
    )
    with pytest.raises(PermissionDenied):
        publish(document, body="More")
    with pytest.raises(services.ServiceError):
        services.document_retire(document=document, actor=manager, reason="Again")


def test_update_details_records_what_changed(document, manager):
    services.document_update_details(
        document=document,
        actor=manager,
        title="New title",
        category=document.category,
        audience="sales",
        reason="Sales only",
    )
    record = document.history.first()
    assert record.history_change_reason == "Changed title, audience: Sales only"
    with pytest.raises(services.ServiceError) as error:
        services.document_update_details(
            document=document,
            actor=manager,
            title="New title",
            category=document.category,
            audience="sales",
        )
    assert error.value.code == "unchanged"


def test_an_owner_cannot_be_deleted_but_can_be_deactivated(document, owner):
    with pytest.raises(ProtectedError):
        owner.delete()
    owner.is_active = False
    owner.save()
    document.refresh_from_db()
    assert document.owner == owner
