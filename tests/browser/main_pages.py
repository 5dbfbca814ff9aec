"""The main pages of each role, over the demo data plus one document whose title
is 200 characters with no space in it: what the layout and accessibility checks
visit."""

from __future__ import annotations

from datetime import date
from io import StringIO

from django.core.management import call_command

from docs_registry import services
from docs_registry.models import Audience, Category, Document, User
from integrations.models import Webhook
from teamwork.months import previous_month

DEMO_PASSWORD = "demo"
DOC_ID = (
    "POL-0001"  # Refund policy: both teams, owned by support-lead, several versions
)
ANNOUNCED = "PRC-0004"  # Premium Support: a price change announced, support-lead's
LONG_TITLE = "Unbroken" + "x" * 192
# The demo webhook's page: its id is known once seeded (see seed).
DEMO_WEBHOOK = "/webhooks/demo/"
# The demo's meeting, with its liaisons and decisions.
LAST_MONTH = f"{previous_month(date.today().replace(day=1)):%Y-%m}"

EVERYONE = [
    "/",
    "/digest/",
    "/docs/",
    "/docs/?sort=title",
    "/glossary/",
    "/goals/",
    "/handoffs/",
    "/handoffs/?q=seats",
    f"/meetings/{LAST_MONTH}/",
    "/mine/",
    "/profile/",
    "/search/?q=refund",
    "/api/reference/",
    f"/docs/{DOC_ID}/",
    f"/docs/{DOC_ID}/history/",
    f"/docs/{DOC_ID}/v1/",
    f"/docs/{DOC_ID}/compare/?from=1&to=2",
    "/exceptions/",
    "/exceptions/?customer=acme&show=all",
    "/exceptions/new/?doc=POL-0001",
    "/search/?q=acme",
    "/field/",
    "/field/?sort=most",
    "/field/new/?doc=POL-0001",
    # The demo's price change announced for next month: its banner, the version
    # waiting, and the version in force on a day.
    f"/docs/{ANNOUNCED}/",
    f"/docs/{ANNOUNCED}/v3/",
    f"/docs/{ANNOUNCED}/?at={date.today().isoformat()}",
]
OWNER = [f"/docs/{DOC_ID}/edit/", f"/docs/{ANNOUNCED}/edit/"]
MANAGER = [
    "/goals/new/",
    "/coverage/",
    "/coverage/people/sales/",
    "/questions/",
    "/reviews/",
    "/history/",
    "/people/locked/",
    "/people/email/",
    "/webhooks/",
    DEMO_WEBHOOK,
    "/docs/new/",
    "/glossary/new/",
    f"/docs/{DOC_ID}/details/",
    f"/docs/{DOC_ID}/transfer/",
]
# Signed out, with single sign-on set up (its provider unreachable: the pages
# that say so): tests/browser/test_sso.py visits them.
SIGN_IN_WITH_PROVIDER = [
    "/accounts/login/",
    "/sso/start/",
    "/sso/callback/?code=unknown&state=unknown",
]
ROLES = {
    "sales": EVERYONE,
    "support-lead": EVERYONE + OWNER,
    "manager": EVERYONE + MANAGER,
}


def seed(settings) -> Document:
    """The demo data, as `make run` serves it, and a document with a title that
    has nowhere to break (returned)."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    address_demo_webhook()
    manager = User.objects.get(username="manager")
    return services.document_create(
        actor=manager,
        category=Category.objects.get(prefix="POL"),
        title=LONG_TITLE,
        audience=Audience.BOTH,
        owner=User.objects.get(username="support-lead"),
        body="# Heading\n\n" + "y" * 300 + "\n",
    )


def address_demo_webhook() -> None:
    """PostgreSQL does not reuse ids after a flush: the webhook's page is
    addressed by the id the demo webhook has in this database."""
    webhook = f"/webhooks/{Webhook.objects.get().pk}/"
    ROLES["manager"][:] = [
        webhook if path.startswith("/webhooks/") and path != "/webhooks/" else path
        for path in ROLES["manager"]
    ]


def row_pages() -> list[str]:
    """The pages of demo rows whose ids the database hands out: the first
    exception (active: a manager sees "Revoke") and the first field report (about
    POL-0001: its owner, support-lead, sees the answer forms)."""
    from field.models import CustomerException, FieldReport

    return [
        CustomerException.objects.order_by("pk").first().get_absolute_url(),
        FieldReport.objects.order_by("pk").first().get_absolute_url(),
    ]


def sign_in(page, username: str) -> None:
    """Through the real login form, with the demo password."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
