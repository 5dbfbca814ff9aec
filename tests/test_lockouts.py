"""Sign-in lockouts: accounts lock by username, one address cannot lock anyone
out on its own, lockouts end, managers clear them, and the client address comes
from a proxy header only behind a trusted proxy."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from docs_registry.management.commands.seed_demo import seed_accounts
from docs_registry.signin import client_address

from .factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.1"


def sign_in(client, username, password, address="203.0.113.1", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def lock(
    username, settings, addresses=("198.51.100.1", "198.51.100.2", "198.51.100.3")
):
    """Fail as often as locks an account, spread over addresses so that none
    reaches its own limit."""
    client = Client()
    per_address = settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT - 1
    for count in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong", address=addresses[count // per_address])


def test_the_account_limit_is_above_the_address_limit(settings):
    assert settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT < settings.AXES_FAILURE_LIMIT


def test_spraying_from_one_address_is_paused_and_locks_no_one(
    client, sales_staff, settings
):
    for number in range(settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT):
        make_user(f"person-{number}")
        response = sign_in(client, f"person-{number}", "wrong")
        assert response.status_code == 200  # the form again, with its error
    paused = sign_in(client, "sales", "pw")  # even a right password, from there
    assert paused.status_code == 429
    assert "from your address" in paused.content.decode()
    assert "_auth_user_id" not in client.session
    admin = client.post(
        "/admin/login/",
        {"username": "sales", "password": "pw"},
        REMOTE_ADDR="203.0.113.1",
    )
    assert admin.status_code == 429  # the admin's sign-in form too
    # The real person, from their own address, is not affected.
    assert sign_in(Client(), "sales", "pw", address="192.0.2.7").status_code == 302


def test_one_address_cannot_lock_an_account(client, sales_staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sales", "wrong")
    assert sign_in(client, "sales", "pw").status_code == 429  # that address waits
    assert sign_in(Client(), "sales", "pw", address="192.0.2.7").status_code == 302


def test_failures_from_several_addresses_lock_the_account(sales_staff, settings):
    lock("sales", settings)
    locked = sign_in(Client(), "sales", "pw", address="192.0.2.7")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed sign-ins" in html
    assert "Try again in 15\xa0minutes" in html
    assert "PT15M" not in html
    assert "ask a manager" in html


def test_a_lockout_ends_and_tries_while_locked_do_not_extend_it(sales_staff, settings):
    # From one address, as if it had no limit of its own: were a try while
    # locked counted, that address's record would stay fresh and keep the lock.
    settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT = 1000
    lock("sales", settings, addresses=["198.51.100.1"])
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))
    assert sign_in(Client(), "sales", "wrong", "198.51.100.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
    assert sign_in(Client(), "sales", "pw", "198.51.100.1").status_code == 302


@pytest.fixture
def demo(db):
    users, _ = seed_accounts()
    return users


def test_the_demo_manager_sees_and_clears_a_lockout(demo, settings):
    lock("sales", settings)
    manager = Client()
    assert sign_in(manager, "manager", "demo", address="192.0.2.50").status_code == 302
    html = manager.get("/people/locked/").content.decode()
    assert '<td data-label="Account">sales</td>' in html
    assert "locked for 15\xa0minutes after 20 wrong passwords" in html
    assert '<td data-label="Account">support</td>' not in html
    response = manager.post("/people/locked/", {"username": "sales"})
    assert response.status_code == 302
    assert "No account is locked" in manager.get("/people/locked/").content.decode()
    assert sign_in(Client(), "sales", "demo", address="192.0.2.7").status_code == 302


def test_a_locked_manager_is_cleared_by_another_manager(demo, settings):
    lock("manager", settings)
    assert sign_in(Client(), "manager", "demo", address="192.0.2.7").status_code == 429
    colleague = Client()
    colleague.force_login(make_user("manager-2", is_manager=True))
    assert (
        '<td data-label="Account">manager</td>'
        in colleague.get("/people/locked/").content.decode()
    )
    colleague.post("/people/locked/", {"username": "manager"})
    assert sign_in(Client(), "manager", "demo", address="192.0.2.7").status_code == 302


def test_the_header_links_managers_to_locked_sign_ins(demo):
    manager = Client()
    manager.force_login(demo["manager"])
    assert 'href="/people/locked/"' in manager.get("/docs/").content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_managers_see_or_clear_lockouts(demo, settings, method):
    lock("support", settings)
    staff = Client()
    staff.force_login(demo["sales"])
    response = getattr(staff, method)("/people/locked/", {"username": "support"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="support").exists()


def test_clearing_names_an_account(demo, settings):
    lock("support", settings)
    manager = Client()
    manager.force_login(demo["manager"])
    manager.post("/people/locked/", {"username": ""})
    assert AccessAttempt.objects.filter(username="support").exists()


def test_superusers_still_clear_lockouts_in_the_admin(sales_staff, settings):
    lock("sales", settings)
    admin = Client()
    admin.force_login(make_user("root", is_superuser=True, is_staff=True))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "sales" in listing.content.decode()
    for attempt in AccessAttempt.objects.filter(username="sales"):
        url = f"/admin/axes/accessattempt/{attempt.pk}/delete/"
        admin.post(url, {"post": "yes"})
    assert sign_in(Client(), "sales", "pw", address="192.0.2.7").status_code == 302


# The client address.


def _request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(LOGIN, **headers)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.SAMEPAGE_TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.1", "192.0.2.9")) == "203.0.113.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        (PROXY, "192.0.2.9", "192.0.2.9"),
        # Whatever the client wrote to the left of what the proxy added is ignored.
        (PROXY, "192.0.2.66, 192.0.2.9", "192.0.2.9"),
        (PROXY, "garbage, 192.0.2.9", "192.0.2.9"),
        # Proxies in a chain, all trusted (a network is listed too).
        (PROXY, "192.0.2.9, 10.1.2.3", "192.0.2.9"),
        # Not from the proxy: the header proves nothing.
        ("203.0.113.1", "192.0.2.9", "203.0.113.1"),
        # From the proxy, with no usable header: the proxy itself.
        (PROXY, "", PROXY),
        (PROXY, "not-an-address", PROXY),
    ],
)
def test_behind_a_trusted_proxy_the_forwarded_client_is_used(
    settings, remote, forwarded, client
):
    settings.SAMEPAGE_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    assert client_address(_request(remote, forwarded)) == client


def test_a_spoofed_forwarded_header_does_not_escape_the_pause(sales_staff, settings):
    settings.SAMEPAGE_TRUSTED_PROXIES = []
    client = Client()
    for number in range(settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT):
        sign_in(client, "sales", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    fresh_spoof = sign_in(client, "sales", "pw", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert fresh_spoof.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.1"
    }


def test_behind_a_trusted_proxy_people_are_told_apart(sales_staff, settings):
    settings.SAMEPAGE_TRUSTED_PROXIES = [PROXY]
    attacker = Client()
    for _ in range(settings.SAMEPAGE_SIGNIN_ADDRESS_LIMIT):
        sign_in(attacker, "sales", "wrong", PROXY, HTTP_X_FORWARDED_FOR="192.0.2.66")
    paused = sign_in(attacker, "sales", "pw", PROXY, HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert paused.status_code == 429
    # The attacker cannot pretend to be someone else: the proxy appends.
    spoof = sign_in(
        attacker, "sales", "pw", PROXY, HTTP_X_FORWARDED_FOR="192.0.2.7, 192.0.2.66"
    )
    assert spoof.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "192.0.2.66"
    }
    person = sign_in(Client(), "sales", "pw", PROXY, HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert person.status_code == 302


# Session, user, the locked accounts and the page-state counters (with the
# header's count of waiting changes).
COLD, WARM = 4, 4


def _locked_rows(numbers):
    for number in numbers:
        AccessAttempt.objects.create(
            username=f"person-{number}",
            ip_address="198.51.100.1",
            user_agent="test",
            failures_since_start=20,
            attempt_time=timezone.now(),
            get_data="",
            post_data="",
            http_accept="",
            path_info=LOGIN,
        )


def _count_queries(client, url, *, cold):
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("cold", "expected"), [(True, COLD), (False, WARM)])
def test_the_locked_page_costs_the_same_with_1_or_30_locked(
    demo, settings, cold, expected
):
    manager = Client()
    manager.force_login(demo["manager"])
    manager.get("/people/locked/")  # session and content types
    _locked_rows(range(1))
    assert _count_queries(manager, "/people/locked/", cold=cold) == expected
    _locked_rows(range(1, 30))
    html = manager.get("/people/locked/").content.decode()
    assert html.count('<td data-label="Account">person-') == 30
    assert _count_queries(manager, "/people/locked/", cold=cold) == expected
