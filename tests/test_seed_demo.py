import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from docs_registry import demo_data, services
from docs_registry.models import Audience, Category, Document, User, Version

# Each test seeds the whole demo.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ACCOUNT_ROLES = {
    # username: (in_sales, in_support, is_manager, is_staff)
    "manager": (True, True, True, True),
    "sales-lead": (True, False, False, False),
    "support-lead": (False, True, False, False),
    "sales": (True, False, False, False),
    "support": (False, True, False, False),
}
AUDIENCE_OWNER = {Audience.SALES: "sales-lead", Audience.SUPPORT: "support-lead"}
DOC_LINK = re.compile(r"\(/docs/([A-Z]{2,5}-\d{4})/\)")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def seeded(debug):
    return seed()


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "categories": Category.objects.count(),
        "category history": Category.history.count(),
        "documents": Document.objects.count(),
        "document history": Document.history.count(),
        "versions": Version.objects.count(),
    }


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert not User.objects.exists()
    assert not Document.objects.exists()


def test_creates_the_five_accounts_with_their_roles_and_the_demo_password(seeded):
    for username, roles in ACCOUNT_ROLES.items():
        user = User.objects.get(username=username)
        flags = (user.in_sales, user.in_support, user.is_manager, user.is_staff)
        assert flags == roles, username
        assert not user.is_superuser
        assert user.check_password("demo")
        assert user.first_name and user.last_name
        assert user.email == f"{username}@example.com"


def test_creates_the_categories_and_documents(seeded):
    prefixes = set(Category.objects.values_list("prefix", flat=True))
    assert prefixes >= {"PRC", "POL", "PRD", "HND", "FAQ"}
    documents = Document.objects.select_related("category")
    assert len(documents) >= 20
    for document in documents:
        assert document.doc_id.startswith(f"{document.category.prefix}-")
        assert document.status == Document.Status.ACTIVE


def test_reports_what_it_created_and_the_accounts(seeded):
    versions = sum(
        1 + len(spec["revisions"]) + ("announced" in spec)
        for spec in demo_data.DOCUMENTS
    )
    assert (
        f"Created 5 accounts, {len(demo_data.CATEGORIES)} categories, "
        f"{len(demo_data.GLOSSARY)} glossary terms, "
        f"{len(demo_data.DOCUMENTS)} documents ({versions} versions)."
    ) in seeded
    for username in ACCOUNT_ROLES:
        assert username in seeded


def test_documents_have_gap_free_versions_and_real_edit_histories(seeded):
    numbers = {}
    for document_id, number in Version.objects.values_list("document", "number"):
        numbers.setdefault(document_id, []).append(number)
    for document in Document.objects.select_related(
        "current_version", "pending_version"
    ):
        found = sorted(numbers[document.pk])
        assert found == list(range(1, len(found) + 1)), document.doc_id
        assert document.newest_version.number == len(found)
    assert sum(len(found) >= 3 for found in numbers.values()) >= 8

    later = Version.objects.filter(number__gt=1)
    assert set(later.values_list("significance", flat=True)) == {"major", "minor"}
    assert not later.filter(summary="Created").exists()
    assert set(Version.objects.filter(number=1).values_list("summary", flat=True)) == {
        "Created"
    }


def test_every_version_changes_the_body(seeded):
    bodies = {}
    for version in Version.objects.order_by("document", "number"):
        previous = bodies.get(version.document_id)
        assert version.body != previous, str(version)
        bodies[version.document_id] = version.body


def test_documents_are_created_by_the_manager_and_published_by_their_owner(seeded):
    manager = User.objects.get(username="manager")
    for version in Version.objects.select_related("document", "published_by"):
        expected = manager if version.number == 1 else version.document.owner
        assert version.published_by == expected, str(version)


def test_owners_follow_the_audience(seeded):
    for document in Document.objects.select_related("owner"):
        expected = AUDIENCE_OWNER.get(document.audience)
        if expected:
            assert document.owner.username == expected, document.doc_id
        else:
            assert document.owner.username in {"sales-lead", "support-lead"}
    both = Document.objects.filter(audience=Audience.BOTH)
    owners = Counter(both.values_list("owner__username", flat=True))
    assert owners["sales-lead"] and owners["support-lead"]
    assert not Document.objects.filter(
        owner__username__in=["sales", "support", "manager"]
    ).exists()


def test_a_second_run_changes_nothing(seeded):
    before = row_counts()
    accounts = list(User.objects.order_by("pk").values())

    output = seed()

    assert row_counts() == before
    assert list(User.objects.order_by("pk").values()) == accounts
    assert "Demo data already present: nothing to do." in output


def test_existing_accounts_are_left_untouched(debug):
    User.objects.create_user("sales", password="a-real-password-123")

    output = seed()

    sales = User.objects.get(username="sales")
    assert sales.check_password("a-real-password-123")
    assert not sales.in_sales
    assert "Created 4 accounts," in output


def test_an_existing_account_without_the_role_stops_the_seed(debug):
    User.objects.create_user("manager", password="a-real-password-123")

    with pytest.raises(CommandError, match="Only managers"):
        seed()

    assert not Document.objects.exists()
    assert User.objects.count() == 1


def test_a_later_run_adds_only_the_missing_documents(debug, monkeypatch):
    all_documents = demo_data.DOCUMENTS
    monkeypatch.setattr(demo_data, "DOCUMENTS", all_documents[:-1])
    seed()
    monkeypatch.setattr(demo_data, "DOCUMENTS", all_documents)

    output = seed()

    added = all_documents[-1]
    assert (
        "Created 0 accounts, 0 categories, 0 glossary terms, 1 document "
        f"({1 + len(added['revisions'])} versions)."
    ) in output
    assert Document.objects.count() == len(all_documents)
    assert Document.objects.filter(title=added["title"]).count() == 1


def test_a_renamed_document_is_still_recognised(seeded):
    document = Document.objects.get(doc_id="PRC-0001")
    services.document_update_details(
        document=document,
        actor=User.objects.get(username="manager"),
        title="Price list",
        category=document.category,
        audience=document.audience,
    )
    before = row_counts()

    seed()

    assert row_counts() == before


def test_an_edit_that_does_not_match_stops_the_seed_and_writes_nothing(
    debug, monkeypatch
):
    broken = {
        **demo_data.DOCUMENTS[0],
        "revisions": (("Changed a price.", "major", (("$999", "$1,000"),)),),
    }
    monkeypatch.setattr(demo_data, "DOCUMENTS", (broken,))

    with pytest.raises(CommandError, match=r"PRC-0001 v2.*found 0 times"):
        seed()

    assert row_counts()["users"] == 0
    assert not Version.objects.exists()


def test_every_version_renders_to_safe_html(seeded):
    for version in Version.objects.all():
        assert version.body_html.strip(), str(version)
        assert "<script" not in version.body_html.lower()
    assert Version.objects.filter(body_html__contains="<table").exists()
    assert Version.objects.filter(body_html__contains='href="https://').exists()
    assert Version.objects.filter(body_html__contains='href="/docs/').exists()


def test_links_between_documents_point_to_demo_documents(seeded):
    doc_ids = set(Document.objects.values_list("doc_id", flat=True))
    for version in Version.objects.select_related("document"):
        for linked in DOC_LINK.findall(version.body):
            assert linked in doc_ids, f"{version} links to {linked}"
            assert linked != version.document.doc_id, f"{version} links to itself"


def words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9$][\w$%'.,/-]*", markdown))


def test_demo_data_is_consistent():
    prefixes = {prefix for _, prefix, _ in demo_data.CATEGORIES}
    usernames = {account["username"] for account in demo_data.ACCOUNTS}
    keys = [(spec["category"], spec["title"]) for spec in demo_data.DOCUMENTS]
    # Documents are recognised on a second run by (prefix, title of v1).
    assert len(keys) == len(set(keys))
    for spec in demo_data.DOCUMENTS:
        assert spec["category"] in prefixes
        assert spec["owner"] in usernames
        assert spec["audience"] in Audience.values
        assert 150 <= words(spec["body"]) <= 600, spec["title"]
        for summary, significance, edits in spec["revisions"]:
            assert 0 < len(summary) <= 500
            assert significance in {"major", "minor"}
            assert edits


def test_glossary_terms_and_documents_that_still_use_avoided_words(seeded):
    from docs_registry.models import GlossaryTerm
    from docs_registry.selectors.glossary import glossary_linter

    assert GlossaryTerm.objects.count() >= 12
    linter = glossary_linter()
    flagged = [
        document.doc_id
        for document in Document.objects.select_related("current_version")
        if linter.lint(document.current_version.body)
    ]
    assert 1 <= len(flagged) < Document.objects.count() / 2


def test_open_and_answered_questions_from_sales_and_support(seeded):
    from docs_registry.models import Question

    statuses = set(Question.objects.values_list("status", flat=True))
    askers = set(Question.objects.values_list("asked_by__username", flat=True))
    assert statuses == {"open", "answered"}
    assert askers == {"sales", "support"}


def test_seeds_one_price_change_announced_for_next_month(seeded):
    (document,) = Document.objects.filter(pending_version__isnull=False)
    assert document.doc_id.startswith("PRC-")
    assert document.pending_effective_at > document.current_version.published_at
    assert document.pending_effective_at.day == 1
    assert "$3,600" in document.pending_version.body
    assert "$3,600" not in document.current_version.body


def test_seeds_two_active_exceptions_and_one_expired(seeded):
    from django.utils import timezone

    from field.models import CustomerException

    today = timezone.localdate()
    standings = sorted(e.standing(today) for e in CustomerException.objects.all())
    assert standings == ["active", "active", "expired"]
    assert all(e.history.count() == 2 for e in CustomerException.objects.all())


def test_seeds_eight_field_reports(seeded):
    from field.models import FieldReport

    assert FieldReport.objects.count() == 8
    assert FieldReport.objects.filter(sightings__isnull=False).distinct().count() >= 4
