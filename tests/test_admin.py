"""The admin shows everything to managers and changes no published word."""

import pytest

from docs_registry.models import Document, Version

from .factories import make_user, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/docs_registry/category/",
        "/admin/docs_registry/document/",
        "/admin/docs_registry/version/",
        "/admin/docs_registry/user/",
        "/admin/docs_registry/document/{doc}/change/",
        "/admin/docs_registry/document/{doc}/history/",
        "/admin/docs_registry/version/{version}/change/",
        "/admin/docs_registry/category/{category}/history/",
    ],
)
def test_managers_see_every_admin_page(admin_client, document, url):
    url = url.format(
        doc=document.pk,
        version=document.current_version.pk,
        category=document.category.pk,
    )
    assert admin_client.get(url).status_code == 200


def test_versions_cannot_be_changed_or_deleted(admin_client, document):
    version = document.current_version
    change_url = f"/admin/docs_registry/version/{version.pk}/change/"
    response = admin_client.post(change_url, {"summary": "Rewritten history"})
    assert response.status_code == 403
    delete_url = f"/admin/docs_registry/version/{version.pk}/delete/"
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    version.refresh_from_db()
    assert version.summary == "Created"


def test_superuser_cannot_change_or_delete_versions_either(client, document):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    version = document.current_version
    url = f"/admin/docs_registry/version/{version.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Version.objects.filter(pk=version.pk).exists()


def test_documents_cannot_be_deleted_or_edited_in_the_admin(admin_client, document):
    url = f"/admin/docs_registry/document/{document.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    change = f"/admin/docs_registry/document/{document.pk}/change/"
    assert admin_client.post(change, {"title": "x"}).status_code == 403
    assert Document.objects.get().title == "Discount approval rules"


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_history_revert_is_disabled(client, document, manager, who):
    user = manager if who == "manager" else make_user("root", is_superuser=True)
    client.force_login(user)
    publish(document, body="v2", title="Renamed")
    record = document.history.last()
    url = f"/admin/docs_registry/document/{document.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 200
    fields = {"title": "Old", "audience": "both", "category": document.category.pk}
    assert client.post(url, fields | {"owner": manager.pk}).status_code == 403
    document.refresh_from_db()
    assert document.title == "Renamed"


def test_managers_cannot_make_themselves_superusers(admin_client, manager):
    url = f"/admin/docs_registry/user/{manager.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert 'name="is_superuser"' not in html
