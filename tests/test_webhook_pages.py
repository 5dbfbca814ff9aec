"""The managers' webhook pages: registering one (the secret shown once, forbidden
addresses refused with a reason), and each page's queries bounded."""

import pytest

from integrations.models import Webhook, WebhookDelivery, WebhookEvent
from integrations.services import WebhookAddressError, check_address

from .factories import make_category
from .html import main
from .querycount import cold_and_warm

pytestmark = pytest.mark.django_db

# (cold, warm) of each page; not kept, so both the same.
LIST_COUNTS = (6, 6)  # session, user, revision, webhooks, categories, form
DETAIL_COUNTS = (5, 5)  # session, user, revision, webhook, events


def form(url: str, **extra) -> dict:
    return {
        "name": "Support channel",
        "url": url,
        "format": "generic",
        "events": ["major_change", "question_answered"],
        "in_sales": "on",
        "in_support": "on",
    } | extra


@pytest.mark.parametrize(
    "address, reason",
    [
        ("ftp://hooks.example.com/x", "must start with http:// or https://"),
        ("http://", "Enter a valid URL."),
        ("javascript:alert(1)", "Enter a valid URL."),
        ("http://169.254.169.254/latest/meta-data/", "inside the server"),
        ("http://127.0.0.1:8000/admin/", "inside the server"),
        ("http://[::1]/", "inside the server"),
        ("http://[fd00::1]/", "inside the server"),
        ("http://0.0.0.0/", "inside the server"),
        ("http://user:pw@hooks.example.com/", "user name or password"),
    ],
)
def test_forbidden_addresses_are_refused_with_a_reason(
    client, manager, address, reason
):
    client.force_login(manager)
    response = client.post("/webhooks/", form(address))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert main(response).one("input", id="id_url").attrs["value"] == address
    assert not Webhook.objects.exists()


def test_loopback_is_allowed_only_when_the_setting_says_so(settings):
    with pytest.raises(WebhookAddressError):
        check_address("http://127.0.0.1:9/")
    settings.SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK = True
    check_address("http://127.0.0.1:9/")
    with pytest.raises(WebhookAddressError):
        check_address("http://169.254.169.254/")  # metadata stays forbidden


def test_a_manager_registers_one_and_sees_its_secret_once(client, manager, settings):
    settings.SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK = True
    category = make_category()
    client.force_login(manager)
    response = client.post(
        "/webhooks/", form("http://127.0.0.1:9/hook", categories=[category.pk])
    )
    webhook = Webhook.objects.get()
    assert response.url == f"/webhooks/{webhook.pk}/"
    assert list(webhook.categories.all()) == [category]
    first = client.get(response.url)
    secret = main(first).one("div", id="new-secret").one("code", cls="token").text
    assert secret.startswith("whsec_")
    again = client.get(response.url).content.decode()
    assert secret not in again
    assert secret not in str(list(Webhook.objects.values()))
    assert webhook.history.count() == 1


def test_no_team_chosen_is_refused(client, manager, settings):
    settings.SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK = True
    client.force_login(manager)
    data = form("http://127.0.0.1:9/hook")
    del data["in_sales"], data["in_support"]
    response = client.post("/webhooks/", data)
    assert "Choose the Sales team" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/webhooks/", "/webhooks/1/", "/webhooks/99999999999999999999/"]
)
def test_staff_cannot_see_webhooks(client, sales_staff, url):
    client.force_login(sales_staff)
    assert client.get(url).status_code == 403


def test_an_id_beyond_any_row_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get("/webhooks/99999999999999999999/").status_code == 404


def _events(webhook, start: int, end: int) -> None:
    import uuid

    for n in range(start, end):
        event = WebhookEvent.objects.create(
            webhook=webhook,
            kind="major_change",
            subject=f"version:{n}",
            payload={"text": f"Change {n}", "url": "https://kb.example.com/"},
            idempotency_key=uuid.uuid4(),
            status="dead",
        )
        WebhookDelivery.objects.create(event=event, succeeded=False, status_code=500)


def _webhook(manager, n: int) -> Webhook:
    webhook = Webhook.objects.create(
        name=f"Hook {n}",
        url="https://hooks.example.com/",
        format="slack",
        events=["major_change"],
        secret_nonce="x",
        created_by=manager,
    )
    webhook.categories.set([make_category(name=f"C{n}", prefix=f"C{n:03d}"[:4])])
    return webhook


def test_pages_cost_the_same_with_3_or_30_rows(client, manager):
    client.force_login(manager)
    hooks = [_webhook(manager, n) for n in range(3)]
    _events(hooks[0], 0, 3)
    few = (
        cold_and_warm(client, "/webhooks/"),
        cold_and_warm(client, f"/webhooks/{hooks[0].pk}/"),
    )
    hooks += [_webhook(manager, n) for n in range(3, 30)]
    _events(hooks[0], 3, 30)
    many = (
        cold_and_warm(client, "/webhooks/"),
        cold_and_warm(client, f"/webhooks/{hooks[0].pk}/"),
    )
    assert few == many == (LIST_COUNTS, DETAIL_COUNTS)
