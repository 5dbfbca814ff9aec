"""Every URL, for anonymous, staff, owner and manager: who reads, who is refused."""

import pytest
from django.urls import reverse

from .factories import publish

pytestmark = pytest.mark.django_db

READ = "read"
OWNER_ONLY = "owner"
MANAGER_ONLY = "manager"

URLS = [
    ("/", READ),
    ("/digest/", READ),
    ("/digest/?team=sales&since=2026-01-01", READ),
    ("/coverage/", MANAGER_ONLY),
    ("/coverage/?format=csv", MANAGER_ONLY),
    ("/coverage/people/sales/", MANAGER_ONLY),
    ("/history/", MANAGER_ONLY),
    ("/history/?format=csv", MANAGER_ONLY),
    ("/mine/", READ),
    ("/profile/", READ),
    ("/reviews/", MANAGER_ONLY),
    ("/questions/", MANAGER_ONLY),
    ("/questions/?show=open", MANAGER_ONLY),
    ("/people/locked/", MANAGER_ONLY),
    ("/glossary/", READ),
    ("/glossary/new/", MANAGER_ONLY),
    ("/docs/", READ),
    ("/search/?q=x", READ),
    ("/docs/PRC-0001/", READ),
    ("/docs/prc-0001/", READ),
    ("/docs/PRC-0001/v1/", READ),
    ("/docs/PRC-0001/history/", READ),
    ("/docs/PRC-0001/compare/?from=1&to=2", READ),
    ("/docs/PRC-0001/edit/", OWNER_ONLY),
    ("/docs/new/", MANAGER_ONLY),
    ("/docs/PRC-0001/transfer/", MANAGER_ONLY),
    ("/docs/PRC-0001/retire/", MANAGER_ONLY),
    ("/docs/PRC-0001/details/", MANAGER_ONLY),
    ("/exceptions/", READ),
    ("/exceptions/?customer=acme&show=all", READ),
    ("/exceptions/new/?doc=PRC-0001", READ),
    ("/field/", READ),
    ("/field/new/?doc=PRC-0001", READ),
]

EXPECTED_GET = {
    # role: {kind: status}
    "staff": {READ: 200, OWNER_ONLY: 403, MANAGER_ONLY: 403},
    "owner": {READ: 200, OWNER_ONLY: 200, MANAGER_ONLY: 403},
    "manager": {READ: 200, OWNER_ONLY: 403, MANAGER_ONLY: 200},
}


@pytest.fixture
def people(document, sales_staff, owner, manager):
    publish(document, body="Second version")
    return {"staff": sales_staff, "owner": owner, "manager": manager}


POST_ONLY = [
    "/docs/PRC-0001/acknowledge/",
    "/docs/PRC-0001/confirm/",
    "/docs/PRC-0001/questions/",
    "/docs/PRC-0001/edit/preview/",
    "/digest/acknowledge/",
]


@pytest.mark.parametrize(("url", "kind"), URLS + [(url, READ) for url in POST_ONLY])
def test_anonymous_is_sent_to_sign_in(client, people, url, kind):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["staff", "owner", "manager"])
@pytest.mark.parametrize(("url", "kind"), URLS)
def test_each_role_gets_what_it_may(client, people, role, url, kind):
    client.force_login(people[role])
    assert client.get(url).status_code == EXPECTED_GET[role][kind]


@pytest.mark.parametrize("role", ["staff", "owner", "manager"])
@pytest.mark.parametrize(("url", "kind"), [u for u in URLS if u[1] != READ])
def test_refused_roles_are_refused_on_post_too(client, people, role, url, kind):
    if EXPECTED_GET[role][kind] != 403:
        return
    client.force_login(people[role])
    response = client.post(url, {"action": "publish", "reason": "x", "title": "x"})
    assert response.status_code in (403, 405)  # 405: a report page takes no POST
    assert people["owner"].owned_documents.get().versions.count() == 2


def test_buttons_follow_the_permissions(client, people):
    edit_url = reverse("docs_registry:edit", args=["PRC-0001"])
    transfer_url = reverse("docs_registry:transfer", args=["PRC-0001"])
    seen = {}
    for role, person in people.items():
        client.force_login(person)
        html = client.get("/docs/PRC-0001/").content.decode()
        seen[role] = (edit_url in html, transfer_url in html)
    assert seen == {
        "staff": (False, False),
        "owner": (True, False),
        "manager": (False, True),
    }


def test_deactivated_user_cannot_read(client, people):
    staff = people["staff"]
    client.force_login(staff)
    staff.is_active = False
    staff.save()
    response = client.get("/docs/PRC-0001/")
    assert response.status_code == 302  # signed out: inactive users have no session


def test_admin_is_for_managers(client, people):
    for role, expected in (("staff", 302), ("owner", 302), ("manager", 200)):
        client.force_login(people[role])
        assert client.get("/admin/").status_code == expected, role
