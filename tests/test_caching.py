"""Pages kept rendered between requests: cheap when nothing changed, never stale.

Every change below goes through the services (or the admin's plain save) and must
show on the very next request of a page that was cached before it."""

import re
from pathlib import Path

import pytest

from docs_registry import services
from docs_registry.models import Category

from .factories import make_document, make_user, publish
from .html import column
from .querycount import cold_and_warm, postgresql_search_difference

pytestmark = pytest.mark.django_db

# Read a second time with nothing changed, each page costs the session, the user
# and the revision: everything else is kept (the document, versions, questions,
# the reader's acknowledgment, rendered fragments).
CACHED_PAGES = [
    "/docs/",
    "/search/?q=approval",
    "/docs/PRC-0001/",
    "/docs/PRC-0001/history/",
    "/docs/PRC-0001/v1/",
    "/docs/PRC-0001/compare/?from=1&to=2",
    "/digest/",
]
# A reader's first read of each, with the cache emptied.
COLD = {
    # With the categories and the owners to filter by (one query, read once).
    "/docs/": 6,
    "/search/?q=approval": 7,  # with the customer exceptions the words find
    # What the reader acknowledged and was shown of the document is read with the
    # counters (caching.document_readings); the comparison lists every summary.
    "/docs/PRC-0001/": 6,  # and its customer exceptions in force today
    "/docs/PRC-0001/history/": 6,
    "/docs/PRC-0001/v1/": 5,
    # The comparison pages read their stored comparisons (see StoredComparison).
    "/docs/PRC-0001/compare/?from=1&to=2": 6,
    "/digest/": 8,  # goals, meeting decisions, field reports, new exceptions
}


@pytest.fixture
def reader(client, document, sales_staff):
    publish(document, body="Up to **15%** needs no approval.")
    client.force_login(sales_staff)
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_readers_readings_of_a_document_come_with_the_counters_or_alone(
    rf, document, sales_staff
):
    """What the reader acknowledged and was shown of a document: asked for before
    the counters are read, they come in the counters' statement; asked for after,
    in one of their own. Both say the same, in any case of the ID."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry import caching

    publish(document, body="second")
    publish(document, body="third")
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    services.version_shown_record(user=sales_staff, document=document, number=3)

    def request():
        asked = rf.get("/")
        asked.user = sales_staff
        return asked

    first = request()
    caching.ask_document_readings(first, "prc-0001")
    with CaptureQueriesContext(connection) as queries:
        caching.revision(first)
        assert caching.document_readings(first, "PRC-0001") == (1, 3)
    assert len(queries) == 1

    late = request()
    caching.revision(late)
    caching.ask_document_readings(late, "PRC-0001")  # too late: read on its own
    with CaptureQueriesContext(connection) as queries:
        assert caching.document_readings(late, "PRC-0001") == (1, 3)
    assert len(queries) == 1

    stranger = make_user("stranger", in_sales=True)
    unread = request()
    unread.user = stranger
    caching.ask_document_readings(unread, "PRC-0001")
    assert caching.document_readings(unread, "PRC-0001") == (0, 0)


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_page_read_again_costs_three_queries(reader, url):
    cold = COLD[url] + (postgresql_search_difference() if "/search/" in url else 0)
    assert cold_and_warm(reader, url) == (cold, 3)


def test_a_publish_shows_at_once(reader, document):
    before = {url: page(reader, url) for url in CACHED_PAGES}
    publish(document, body="Up to **20%** needs no approval.", summary="Twenty")
    assert "v3" in page(reader, "/docs/")
    assert "Twenty" in page(reader, "/docs/PRC-0001/history/")
    assert page(reader, "/docs/PRC-0001/v1/") != before["/docs/PRC-0001/v1/"]


def test_changed_details_and_owner_show_at_once(reader, document, manager):
    page(reader, "/docs/")
    page(reader, "/search/?q=approval")
    services.document_update_details(
        document=document,
        actor=manager,
        title="Discount approval matrix",
        category=document.category,
        audience=document.audience,
        reason="Clearer",
    )
    assert "Discount approval matrix" in page(reader, "/docs/")
    assert "approval</mark> matrix" in page(reader, "/search/?q=approval")
    new_owner = make_user("newowner", first_name="Nadia", in_sales=True)
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason="Moved"
    )
    assert "Nadia" in page(reader, "/docs/")
    assert "Nadia" in page(reader, "/docs/PRC-0001/v1/")


def test_a_renamed_person_or_category_shows_at_once(reader, owner):
    # The category column, not the filter's list of categories, which is not kept.
    assert column(page(reader, "/docs/"), "documents", index=2) == ["Pricing"]
    owner.first_name, owner.last_name = "Olga", "Owner"
    owner.save()  # as the admin does
    assert "Olga Owner" in page(reader, "/docs/PRC-0001/history/")
    category = Category.objects.get()
    category.name = "Prices"
    category.save()
    assert column(page(reader, "/docs/"), "documents", index=2) == ["Prices"]


def test_a_retired_document_leaves_the_list_at_once(reader, document, manager):
    assert "PRC-0001" in page(reader, "/docs/")
    services.document_retire(document=document, actor=manager, reason="Old")
    assert "PRC-0001" not in page(reader, "/docs/")
    assert "Retired" in page(reader, "/docs/PRC-0001/v1/")


def test_a_new_document_shows_in_browse_and_search(reader, owner, manager):
    page(reader, "/docs/")
    page(reader, "/search/?q=refund")
    make_document(owner=owner, manager=manager, title="Refund rules", body="Refunds")
    assert "PRC-0002" in page(reader, "/docs/")
    assert "PRC-0002" in page(reader, "/search/?q=refund")


def test_a_citation_opens_a_document_created_after_it_was_searched(
    reader, owner, manager
):
    assert "No document PRC-0002." in page(reader, "/search/?q=PRC-0002")
    make_document(owner=owner, manager=manager, title="Refund rules", body="Refunds")
    response = reader.get("/search/?q=PRC-0002")
    assert response.status_code == 302
    assert response.url == "/docs/PRC-0002/"


def test_signing_in_changes_nothing_cached(client, document, sales_staff):
    from docs_registry.caching import revision_number

    before = revision_number()
    sales_staff.set_password("pw")
    sales_staff.save()
    changed = revision_number()  # a saved person is a history record...
    records = sales_staff.history.count()
    assert changed > before
    signed_in = client.post("/accounts/login/", {"username": "sales", "password": "pw"})
    assert signed_in.status_code == 302
    assert revision_number() == changed  # ...but signing in is not
    assert sales_staff.history.count() == records


def test_managers_and_staff_get_their_own_buttons(
    client, document, sales_staff, manager
):
    client.force_login(sales_staff)
    assert "New document" not in page(client, "/docs/").split("</nav>", 1)[1]
    client.force_login(manager)
    assert "New document" in page(client, "/docs/").split("</nav>", 1)[1]
    client.force_login(document.owner)
    assert ">Edit<" in page(client, "/docs/PRC-0001/history/")
    client.force_login(sales_staff)
    assert ">Edit<" not in page(client, "/docs/PRC-0001/history/")


def test_the_header_count_follows_publishes_and_acknowledgments(
    reader, document, sales_staff
):
    badge = 'aria-label="1 document changed ({} versions)">1<'
    assert badge.format(2) in page(reader, "/docs/")  # v1 and v2
    publish(document, body="Up to **25%** needs no approval.")
    assert badge.format(3) in page(reader, "/docs/")
    services.acknowledgment_record(user=sales_staff, document=document, number=3)
    assert 'class="count-badge"' not in page(reader, "/docs/")


def test_digest_buttons_submit_the_forms_outside_the_kept_page(reader, sales_staff):
    html = page(reader, "/digest/")
    kept, forms = html.split('<form id="acknowledge-one"', 1)
    assert "csrfmiddlewaretoken" not in kept.split("</header>", 1)[1]
    assert 'form="acknowledge-all" name="shown" value="PRC-0001:v2"' in kept
    assert 'form="acknowledge-one" formaction="/docs/PRC-0001/acknowledge/"' in kept
    assert forms.count("csrfmiddlewaretoken") == 2
    assert '<form id="acknowledge-all" method="post" action="/digest/acknowledge/"' in (
        '<form id="acknowledge-one"' + forms
    )


def test_a_digest_read_again_unpickles_no_document(reader, monkeypatch):
    """Its forms need two facts, kept apart from the page of documents."""
    from docs_registry.selectors import digest

    first = page(reader, "/digest/")

    def refused(*args):
        raise AssertionError("the kept digest read its page of documents again")

    monkeypatch.setattr(digest.PendingDocuments, "__getitem__", refused)
    again = page(reader, "/digest/")
    assert (
        again.count('id="acknowledge-one"') == first.count('id="acknowledge-one"') == 1
    )
    assert ('id="mark-seen"' in again) == ('id="mark-seen"' in first)


def test_a_comparison_read_again_reads_neither_version(reader, monkeypatch):
    from docs_registry.views import documents

    url = "/docs/PRC-0001/compare/?from=1&to=2"
    first = page(reader, url)

    def refused(*args, **kwargs):
        raise AssertionError("the kept comparison read its versions again")

    monkeypatch.setattr(documents, "_compared", refused)
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", page(reader, url)) == token.sub("", first)


def test_a_document_page_read_again_builds_no_key_of_the_parts_inside_it(
    reader, monkeypatch
):
    """The reader's whole page is kept: the keys of its parts (top, exceptions,
    body) are built only when it is worked out."""
    from docs_registry import caching

    built = []
    key_of = caching.cache_key

    def noted(kind, *facts):
        built.append(kind)
        return key_of(kind, *facts)

    monkeypatch.setattr(caching, "cache_key", noted)
    inside = {"document-top", "document-exceptions", "document-body"}
    page(reader, "/docs/PRC-0001/")  # notes the version shown: the reader's facts move
    assert inside <= set(built)
    first = page(reader, "/docs/PRC-0001/")
    built.clear()
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", page(reader, "/docs/PRC-0001/")) == token.sub("", first)
    assert not inside & set(built), built


def test_no_password_hash_is_kept(reader, document, owner, manager):
    """A kept document joins its owner, retirer and publisher: only what its
    pages and API show of them (a shared cache is one more place to read from)."""
    from django.core.cache import cache

    document.refresh_from_db()
    services.document_retire(document=document, actor=manager, reason="Old")
    for url in ("/docs/PRC-0001/", "/docs/PRC-0001/history/", "/api/docs/PRC-0001/"):
        assert reader.get(url).status_code == 200, url
    kept = list(cache._cache.values())
    assert any(b"PRC-0001" in value for value in kept)
    for person in (owner, manager):
        assert person.password
        assert not any(person.password.encode() in value for value in kept), person


def test_a_refused_question_is_never_served_from_the_kept_page(reader):
    page(reader, "/docs/PRC-0001/")
    refused = reader.post("/docs/PRC-0001/questions/", {"kind": "question", "text": ""})
    assert refused.status_code == 400
    assert "Write your question." in refused.content.decode()
    assert "Write your question." not in page(reader, "/docs/PRC-0001/")


def test_the_kept_document_page_holds_no_token(reader):
    html = page(reader, "/docs/PRC-0001/")
    kept, forms = html.split("</header>", 1)[1].split('<form id="acknowledge-form"')
    assert "csrfmiddlewaretoken" not in kept
    assert 'form="acknowledge-form" name="number" value="2"' in kept
    assert 'name="text" cols="40" rows="3" form="ask-form"' in kept
    assert '<button type="submit" form="ask-form" class="primary">Send' in kept
    # Acknowledge, ask, close: each its own form, so Enter in a field only asks.
    assert forms.count("csrfmiddlewaretoken") == 3


# --- keys, expiry, size, release, configuration -------------------------------


def test_every_kept_entry_expires(reader, settings):
    from django.core.cache import cache

    page(reader, "/docs/PRC-0001/")
    expiries = list(cache._expire_info.values())  # LocMem's own bookkeeping
    assert expiries and None not in expiries
    assert settings.CACHES["default"]["TIMEOUT"] == 900


def test_a_value_too_large_is_not_kept(settings):
    from docs_registry.caching import cache_key, remember

    settings.SAMEPAGE_CACHE_MAX_ENTRY_BYTES = 1000
    computed = []

    def compute(size):
        computed.append(size)
        return "x" * size

    for size in (100, 100, 5000, 5000):
        remember(cache_key("test", size), lambda size=size: compute(size))
    assert computed == [100, 5000, 5000]


@pytest.mark.parametrize(
    "foreign",
    [b"\x80\x05garbage", "a plain string", {"a": "dict"}, b"\x80\x04N."],
)
def test_a_value_that_is_not_ours_is_ignored_and_replaced(reader, foreign):
    from django.core.cache import cache

    from docs_registry.caching import cache_key, remember

    key = cache_key("test", 1)
    cache.set(key, foreign)
    assert remember(key, lambda: "worked out") == "worked out"
    assert remember(key, lambda: "again") == "worked out"


def test_keys_carry_the_release(reader, monkeypatch):
    from kb import settings as project_settings

    monkeypatch.setenv("SAMEPAGE_RELEASE", "2026.12.1")
    assert project_settings.release() == "2026.12.1"
    assert (
        "samepage:2026.12.1"
        == project_settings.cache_settings("locmem://", ttl=900, max_entries=10)[
            "KEY_PREFIX"
        ]
    )
    monkeypatch.delenv("SAMEPAGE_RELEASE")
    # Every app's latest migration: a field or teamwork migration changes the rows
    # kept as much as one of docs_registry.
    base = Path(project_settings.BASE_DIR)
    for app in ("docs_registry", "field", "teamwork"):
        latest = max(
            path.stem[:4] for path in (base / app / "migrations").glob("0*.py")
        )
        assert f"-{app}.{latest}" in project_settings.release()


def test_a_page_kept_by_another_release_is_not_served(reader, settings, document):
    from django.core.cache import cache

    from kb.settings import cache_settings

    old = cache_settings("locmem://samepage-releases", ttl=900, max_entries=100)
    settings.CACHES = {"default": old | {"KEY_PREFIX": "samepage:old"}}
    page(reader, "/docs/PRC-0001/")  # the first visit records what was shown
    kept = page(reader, "/docs/PRC-0001/")
    for key in list(cache._cache):  # an older release kept other words
        cache._cache[key] = cache._cache[key].replace(b"15%", b"99%")
    assert "99%" in page(reader, "/docs/PRC-0001/")
    settings.CACHES = {"default": old | {"KEY_PREFIX": "samepage:new"}}
    assert page(reader, "/docs/PRC-0001/").count("15%") == kept.count("15%")


@pytest.mark.parametrize(
    "url, backend",
    [
        ("locmem://", "docs_registry.cache_backends.QuickLocMemCache"),
        (
            "redis://127.0.0.1:6379/0",
            "docs_registry.cache_backends.ResilientRedisCache",
        ),
        (
            "rediss://cache.example:6380/1",
            "docs_registry.cache_backends.ResilientRedisCache",
        ),
        ("dummy://", "docs_registry.cache_backends.QuickDummyCache"),
    ],
)
def test_the_cache_is_chosen_by_its_url(url, backend):
    from kb.settings import cache_settings

    configured = cache_settings(url, ttl=60, max_entries=10)
    assert configured["BACKEND"] == backend
    assert configured["TIMEOUT"] == 60


@pytest.mark.parametrize("url", ["locmem://samepage-keys", "dummy://"])
def test_a_plain_key_is_checked_at_once_and_any_other_as_django_does(
    url, settings, monkeypatch
):
    import warnings

    from django.core.cache import cache
    from django.core.cache.backends import base

    from docs_registry import caching
    from kb.settings import cache_settings

    settings.CACHES = {"default": cache_settings(url, ttl=60, max_entries=10)}
    walked, django_check = [], base.memcache_key_warnings

    def walking(key):
        walked.append(key)
        yield from django_check(key)

    monkeypatch.setattr(base, "memcache_key_warnings", walking)
    key = caching.cache_key("page", 1, ("reader", 2))
    caching.keep(key, "kept")
    caching.recall(key)
    assert walked == []  # no key of ours is walked a character at a time
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cache.get("a key with spaces")
    assert walked and "a key with spaces" in walked[0]
    assert [warning.category for warning in caught] == [base.CacheKeyWarning]


def test_an_unknown_cache_url_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from kb.settings import cache_settings

    with pytest.raises(ImproperlyConfigured, match="SAMEPAGE_CACHE_URL"):
        cache_settings("memcached://127.0.0.1:11211", ttl=60, max_entries=10)


def test_templates_name_no_vary_on_list():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    for path in templates.rglob("*.html"):
        assert "{% cache" not in path.read_text(), path


@pytest.mark.slow
def test_no_page_keeps_anyones_password_hash(client, settings):
    """The demo's every main page, worked out for each kind of account: what is
    kept (in Redis, when shared) joins people by their names alone."""
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from docs_registry.models import Document, User

    settings.DEBUG = True  # the demo seeds only then
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    cache.clear()
    urls = [
        "/",
        "/digest/",
        "/docs/",
        "/search/?q=refund",
        "/questions/",
        reverse("field:exceptions"),
        reverse("field:reports"),
        reverse("teamwork:goals"),
        reverse("teamwork:handoffs"),
        reverse("teamwork:meeting", args=[f"{timezone.localdate():%Y-%m}"]),
    ]
    for document in Document.objects.filter(current_version__number__gt=1)[:6]:
        doc_id = document.doc_id
        urls += [
            f"/docs/{doc_id}/",
            f"/docs/{doc_id}/history/",
            f"/docs/{doc_id}/v1/",
            f"/docs/{doc_id}/compare/?from=1&to={document.current_version.number}",
            f"/api/docs/{doc_id}/",
        ]
    for username in ("manager", "sales", "support", "sales-lead"):
        client.force_login(User.objects.get(username=username))
        for url in urls:
            # The questions to answer are for owners and managers alone.
            assert client.get(url).status_code in (200, 403), (username, url)
    hashes = {user.username: user.password.encode() for user in User.objects.all()}
    assert all(hashes.values())
    kept = dict(cache._cache)
    assert len(kept) > 50
    leaks = sorted(
        key.split(":")[-2]
        for key, value in kept.items()
        for password in hashes.values()
        if password in value
    )
    assert leaks == [], sorted(set(leaks))
