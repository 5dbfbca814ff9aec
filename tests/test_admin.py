"""The admin shows everything to managers and changes no published word."""

from datetime import date

import pytest

from docs_registry.models import Document, User, Version

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


STRONG_PASSWORD = "Correct-horse-battery-9"


def _change_form(user, **changes):
    """What the user admin's change form posts for `user`, with `changes`."""
    fields = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_manager": "on" if user.is_manager else "",
        "in_sales": "on" if user.in_sales else "",
        "in_support": "on" if user.in_support else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value != ""}


def _new_password():
    return {
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "usable_password": "true",
    }


@pytest.fixture(params=["superuser", "other manager"])
def privileged(request, db):
    if request.param == "superuser":
        return make_user("root", is_superuser=True, is_staff=True)
    return make_user("other-manager", is_manager=True)


def _unchanged(person):
    person.refresh_from_db()
    assert person.is_active
    assert person.check_password("pw")
    assert person.first_name != "Taken"


def test_managers_cannot_open_or_change_a_more_powerful_account(
    admin_client, privileged
):
    url = f"/admin/docs_registry/user/{privileged.pk}/change/"
    assert admin_client.get(url).status_code == 403
    form = _change_form(privileged, is_active="", first_name="Taken")
    assert admin_client.post(url, form).status_code == 403
    _unchanged(privileged)


def test_managers_cannot_set_a_more_powerful_accounts_password(
    admin_client, privileged
):
    url = f"/admin/docs_registry/user/{privileged.pk}/password/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, _new_password()).status_code == 403
    _unchanged(privileged)


def test_managers_cannot_delete_a_more_powerful_account(admin_client, privileged):
    url = f"/admin/docs_registry/user/{privileged.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    changelist = "/admin/docs_registry/user/"
    action = {"action": "delete_selected", "_selected_action": [privileged.pk]}
    admin_client.post(changelist, action | {"post": "yes"})
    assert User.objects.filter(pk=privileged.pk).exists()
    _unchanged(privileged)


def test_managers_still_see_everyone_listed(admin_client, privileged):
    html = admin_client.get("/admin/docs_registry/user/").content.decode()
    assert privileged.username in html


def test_managers_administer_ordinary_staff(admin_client, sales_staff):
    url = f"/admin/docs_registry/user/{sales_staff.pk}/change/"
    assert admin_client.get(url).status_code == 200
    form = _change_form(sales_staff, is_active="", first_name="Renamed")
    assert admin_client.post(url, form).status_code == 302
    password_url = f"/admin/docs_registry/user/{sales_staff.pk}/password/"
    assert admin_client.post(password_url, _new_password()).status_code == 302
    sales_staff.refresh_from_db()
    assert (sales_staff.first_name, sales_staff.is_active) == ("Renamed", False)
    assert sales_staff.check_password(STRONG_PASSWORD)


def test_managers_edit_their_own_account(admin_client, manager):
    url = f"/admin/docs_registry/user/{manager.pk}/change/"
    form = _change_form(manager, first_name="Renamed")
    assert admin_client.post(url, form).status_code == 302
    manager.refresh_from_db()
    assert manager.first_name == "Renamed"
    assert not manager.is_superuser


def test_superusers_administer_managers_and_superusers(client, privileged):
    client.force_login(make_user("root-2", is_superuser=True, is_staff=True))
    url = f"/admin/docs_registry/user/{privileged.pk}/password/"
    assert client.post(url, _new_password()).status_code == 302
    change = f"/admin/docs_registry/user/{privileged.pk}/change/"
    form = _change_form(privileged, is_active="", first_name="Renamed")
    if privileged.is_superuser:
        form["is_superuser"] = "on"
    assert client.post(change, form).status_code == 302
    privileged.refresh_from_db()
    assert privileged.check_password(STRONG_PASSWORD)
    assert (privileged.first_name, privileged.is_active) == ("Renamed", False)


def test_a_manager_who_adds_a_manager_is_sent_back_to_the_list(admin_client):
    form = {
        "username": "new-manager",
        "usable_password": "true",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "is_manager": "on",
    }
    response = admin_client.post("/admin/docs_registry/user/add/", form)
    assert response.status_code == 302
    assert response["Location"] == "/admin/docs_registry/user/"
    assert User.objects.get(username="new-manager").is_manager


def test_exceptions_reports_and_deliveries_are_shown_and_never_written(
    admin_client, document, manager, sales_staff, support_staff
):
    """Everything the field and integrations apps keep can be looked at in the
    admin; writes stay with the pages, whose services keep the rules."""
    from field import services as field_services
    from integrations.services import webhook_create

    exception = field_services.exception_propose(
        actor=sales_staff,
        document=document,
        customer="Acme Corp",
        account="CRM-1",
        granted="Price locked at $32",
        version_number=1,
        valid_from=date(2026, 12, 1),
        valid_until=date(2027, 6, 30),
        why="Renewal.",
    )
    field_services.field_report_file(
        actor=support_staff, kind="complaint", text="Export times out"
    )
    webhook, secret = webhook_create(
        actor=manager,
        name="Chat",
        url="https://198.51.100.7/hook",
        format="generic",
        events=["major_change"],
        in_sales=True,
        in_support=True,
    )
    for url, shown in [
        ("/admin/field/customerexception/", "Acme Corp"),
        (f"/admin/field/customerexception/{exception.pk}/change/", "Price locked"),
        (f"/admin/field/customerexception/{exception.pk}/history/", "Acme Corp"),
        ("/admin/field/fieldreport/", "Export times out"),
        ("/admin/field/sighting/", "0 sightings"),
        ("/admin/integrations/webhook/", "198.51.100.7"),
        ("/admin/integrations/emailpreference/", "email preference"),
        ("/admin/integrations/emailattempt/", "email attempt"),
        ("/admin/integrations/webhookevent/", "webhook event"),
        ("/admin/integrations/webhookdelivery/", "webhook deliver"),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url
    change = admin_client.get(f"/admin/integrations/webhook/{webhook.pk}/change/")
    assert webhook.secret_nonce not in change.content.decode()
    assert secret not in change.content.decode()
    refused = admin_client.post(
        f"/admin/field/customerexception/{exception.pk}/change/",
        {"customer": "Changed", "state": "approved"},
    )
    assert refused.status_code == 403
    exception.refresh_from_db()
    assert (exception.customer, exception.state) == ("Acme Corp", "proposed")
