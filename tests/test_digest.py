import re
from datetime import timedelta

import pytest
from django.utils import timezone

from docs_registry import services

from .factories import days_ago, make_category, make_document, publish
from .querycount import sql_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(owner, manager, category):
    """One document per audience, each at v2 with a major change."""
    made = {}
    for audience in ("sales", "support", "both"):
        document = make_document(
            owner=owner,
            manager=manager,
            category=category,
            title=f"For {audience}",
            audience=audience,
            body=f"Rules for {audience}: 10 days.",
        )
        publish(
            document,
            body=f"Rules for {audience}: 14 days.",
            summary=f"Extended the {audience} window to 14 days.",
        )
        made[audience] = document
    return made


ENTRY = re.compile(r'<article class="digest-entry" id="([A-Z]{2,5}-\d{4,})"')


def _entry_html(response, doc_id: str) -> str:
    html = response.content.decode()
    start = html.index(f'<article class="digest-entry" id="{doc_id}"')
    return html[start : html.index("</article>", start)]


def digest_ids(client, address="/digest/"):
    response = client.get(address)
    assert response.status_code == 200
    return ENTRY.findall(response.content.decode())


def test_each_person_sees_the_changes_for_their_teams(
    client, documents, sales_staff, support_staff
):
    client.force_login(sales_staff)
    assert sorted(digest_ids(client)) == ["PRC-0001", "PRC-0003"]
    client.force_login(support_staff)
    assert sorted(digest_ids(client)) == ["PRC-0002", "PRC-0003"]


def test_both_teams_read_the_same_words(client, documents, sales_staff, support_staff):
    def entry_html(user):
        client.force_login(user)
        html = client.get("/digest/").content.decode()
        match = re.search(
            r'<article class="digest-entry" id="PRC-0003">.*?</article>', html, re.S
        )
        # Only the form plumbing differs (CSRF token); the words must not.
        return re.sub(r"<form.*?</form>", "", match.group(0), flags=re.S)

    assert entry_html(sales_staff) == entry_html(support_staff)
    assert "Extended the both window to 14 days." in entry_html(sales_staff)


def test_the_digest_shows_versions_since_the_last_acknowledgment(
    client, documents, sales_staff
):
    document = documents["sales"]
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Rules for sales: 21 days.", summary="Now 21 days.")
    client.force_login(sales_staff)
    entry = _entry_html(client.get("/digest/"), "PRC-0001")
    assert re.findall(r'/docs/PRC-0001/v(\d+)/">v', entry) == ["3", "2"]
    assert "changes since v1" in entry
    assert "<del>10</del>" in entry and "<ins>21</ins>" in entry


def test_a_long_absence_lists_the_newest_ten_versions_and_counts_the_rest(
    client, documents, sales_staff
):
    document = documents["sales"]
    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    # v2 (the fixture's) is the only major change; v3 to v14 are minor.
    for day in range(3, 15):
        publish(document, body=f"Rules for sales: {day} days.", significance="minor")
    client.force_login(sales_staff)
    entry = _entry_html(client.get("/digest/"), "PRC-0001")
    listed = re.findall(r'/docs/PRC-0001/v(\d+)/">v', entry)
    assert listed == [str(n) for n in range(14, 4, -1)]
    assert "and 3 earlier versions since v1:" in entry
    assert 'href="/docs/PRC-0001/history/">see the history' in entry
    # The major change is among those left out, and still asks for acknowledgment.
    assert "needs acknowledgment" in entry
    assert "<del>10</del>" in entry and "<ins>14</ins>" in entry


def test_acknowledged_documents_leave_the_digest(client, documents, sales_staff):
    client.force_login(sales_staff)
    response = client.post(
        "/digest/acknowledge/",
        {"shown": ["PRC-0001:v2", "PRC-0003:v2"]},
        follow=True,
    )
    assert "Recorded 2 acknowledgments." in response.content.decode()
    assert digest_ids(client) == []
    assert "Nothing waits for you" in client.get("/digest/").content.decode()


def _minor_change_to_sales(client, documents, sales_staff):
    client.force_login(sales_staff)
    client.post("/digest/acknowledge/", {"shown": ["PRC-0001:v2", "PRC-0003:v2"]})
    publish(
        documents["sales"],
        body="Rules for sales: 14 days!",
        summary="Typo",
        significance="minor",
    )


def test_minor_changes_stay_until_marked_as_seen(client, documents, sales_staff):
    _minor_change_to_sales(client, documents, sales_staff)
    html = client.get("/digest/").content.decode()
    assert ENTRY.findall(html) == ["PRC-0001"]
    assert '<span class="badge">minor only</span>' in html
    assert digest_ids(client) == ["PRC-0001"]  # reading changes nothing
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    response = client.post("/digest/seen/", {"shown_at": shown_at}, follow=True)
    assert "Marked as seen" in response.content.decode()
    assert digest_ids(client) == []


def test_marking_as_seen_keeps_what_was_published_after_the_page(
    client, documents, sales_staff
):
    _minor_change_to_sales(client, documents, sales_staff)
    html = client.get("/digest/").content.decode()
    shown_at = re.search(r'name="shown_at" value="([^"]+)"', html).group(1)
    with days_ago(-1):  # published after the page was shown
        publish(documents["both"], body="Rules: 15 days.", significance="minor")
    client.post("/digest/seen/", {"shown_at": shown_at})
    assert digest_ids(client) == ["PRC-0003"]


def test_marking_as_seen_keeps_changes_that_need_acknowledgment(
    client, documents, sales_staff
):
    client.force_login(sales_staff)
    client.post("/digest/seen/", {"shown_at": timezone.now().isoformat()})
    assert digest_ids(client) == ["PRC-0003", "PRC-0001"]


def test_a_bad_shown_time_marks_nothing(client, documents, sales_staff):
    _minor_change_to_sales(client, documents, sales_staff)
    for bad in ("", "yesterday", "2026-01-01T00:00:00"):  # the last has no zone
        response = client.post("/digest/seen/", {"shown_at": bad}, follow=True)
        assert "too old to tell what it showed" in response.content.decode()
    assert digest_ids(client) == ["PRC-0001"]


def test_opening_the_current_version_counts_as_seeing_minor_changes(
    client, documents, sales_staff
):
    _minor_change_to_sales(client, documents, sales_staff)
    assert client.get("/docs/PRC-0001/v2/").status_code == 200  # not current
    assert digest_ids(client) == ["PRC-0001"]
    assert client.get("/docs/PRC-0001/").status_code == 200
    assert digest_ids(client) == []


def test_opening_a_document_does_not_dismiss_a_major_change(
    client, documents, sales_staff
):
    client.force_login(sales_staff)
    client.get("/docs/PRC-0001/")
    assert digest_ids(client) == ["PRC-0003", "PRC-0001"]


def test_badge_heading_and_page_count_the_same_documents(
    client, documents, sales_staff
):
    client.force_login(sales_staff)
    html = client.get("/digest/").content.decode()
    assert 'aria-label="2 documents changed (4 versions)">2</span>' in html
    assert "2 documents changed (4 versions) since you last" in html
    assert len(ENTRY.findall(html)) == 2
    home = client.get("/").content.decode()
    assert "What changed for you: 2 documents changed (4 versions)" in home
    client.post("/digest/acknowledge/", {"shown": ["PRC-0001:v2"]})
    html = client.get("/digest/").content.decode()
    assert 'aria-label="1 document changed (2 versions)">1</span>' in html
    assert "1 document changed (2 versions) since you last" in html


def test_reading_the_digest_writes_nothing(client, documents, sales_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _minor_change_to_sales(client, documents, sales_staff)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/digest/").content.decode()
    writes = [sql for sql in map(sql_of, queries) if not sql.startswith("SELECT")]
    assert not [sql for sql in writes if "digest" in sql or "seen" in sql]
    second = client.get("/digest/").content.decode()
    assert ENTRY.findall(first) == ENTRY.findall(second) == ["PRC-0001"]


def test_retired_documents_leave_the_digest(client, documents, sales_staff, manager):
    services.document_retire(document=documents["sales"], actor=manager, reason="Old")
    client.force_login(sales_staff)
    assert digest_ids(client) == ["PRC-0003"]


def test_digest_paginates(client, owner, manager, category, sales_staff):
    for n in range(12):
        make_document(owner=owner, manager=manager, category=category, title=f"D{n}")
    client.force_login(sales_staff)
    assert len(digest_ids(client)) == 10
    assert len(digest_ids(client, "/digest/?page=2")) == 2


# Team digest -----------------------------------------------------------------------


def test_team_digest_for_a_period(client, owner, manager, category):
    with days_ago(40):  # outside the period
        make_document(
            owner=owner,
            manager=manager,
            category=category,
            title="Old support rules",
            audience="support",
        )
    make_document(owner=owner, manager=manager, category=category, audience="sales")
    make_document(owner=owner, manager=manager, category=category, audience="both")
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    client.force_login(manager)
    assert digest_ids(client, f"/digest/?team=support&since={since}") == ["PRC-0003"]
    sales = f"/digest/?team=sales&since={since}"
    assert sorted(digest_ids(client, sales)) == ["PRC-0002", "PRC-0003"]
    assert "Sales, last 7 days" in client.get(sales).content.decode()


def test_team_digest_baseline_is_the_version_before_the_period(
    client, owner, manager, category
):
    with days_ago(10):
        document = make_document(owner=owner, manager=manager, category=category)
    publish(document, body="Up to 15%.", summary="Raised to 15%.")
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    client.force_login(manager)
    response = client.get(f"/digest/?team=sales&since={since}")
    entry = _entry_html(response, "PRC-0001")
    assert re.findall(r'/docs/PRC-0001/v(\d+)/">v', entry) == ["2"]
    assert "changes since v1" in entry
    assert "<ins>15%.</ins>" in entry


def test_team_digest_has_no_personal_acknowledgment_badges(
    client, documents, sales_staff
):
    client.force_login(sales_staff)
    since = timezone.localdate().isoformat()
    team = client.get(f"/digest/?team=sales&since={since}").content.decode()
    assert len(ENTRY.findall(team)) == 2
    assert "needs acknowledgment" not in team
    assert "needs acknowledgment" in client.get("/digest/").content.decode()


def test_a_support_members_team_digest_starts_at_support(
    client, documents, support_staff, sales_staff
):
    client.force_login(support_staff)
    html = client.get("/digest/").content.decode()
    assert '<option value="support" selected>' in html
    assert html.index("Support, last 7 days") < html.index("Sales, last 7 days")
    client.force_login(sales_staff)
    html = client.get("/digest/").content.decode()
    assert '<option value="support" selected>' not in html
    assert html.index("Sales, last 7 days") < html.index("Support, last 7 days")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("team=marketing&since=2026-01-01", "Unknown team"),
        ("team=sales&since=yesterday", "Give the date as YYYY-MM-DD."),
        ("team=sales&since=2999-01-01", "That date is in the future."),
        ("team=sales", "This field is required."),
    ],
)
def test_team_digest_bad_input(client, documents, manager, query, message):
    client.force_login(manager)
    response = client.get(f"/digest/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_acknowledge_all_with_an_unknown_document(client, documents, sales_staff):
    client.force_login(sales_staff)
    response = client.post(
        "/digest/acknowledge/", {"shown": ["PRC-0001:v2", "NOPE-0001:v1"]}, follow=True
    )
    assert "do not exist; nothing was recorded" in response.content.decode()


def test_the_same_change_for_two_categories(client, owner, manager, sales_staff):
    policy = make_category(name="Policy", prefix="POL")
    make_document(owner=owner, manager=manager, category=policy, audience="sales")
    client.force_login(sales_staff)
    assert digest_ids(client) == ["POL-0001"]


def test_the_waiting_count_comes_with_the_counters_and_is_never_stale(
    documents, sales_staff, manager
):
    """Kept with the person's digest state, moved with their rows: each kind of
    change below must show at once, and reading it costs the counters' statement
    alone, which every request makes."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from docs_registry import pending
    from docs_registry.selectors.digest import waiting_count

    def counted():
        request = RequestFactory().get("/")
        request.user = sales_staff
        return waiting_count(request)

    def check():
        waiting = pending.expected_rows(sales_staff.pk).values()
        expected = (len(waiting), sum(versions for _, versions, _ in waiting))
        assert (counted().documents, counted().versions) == expected
        return expected

    assert check() == (2, 4)
    with CaptureQueriesContext(connection) as queries:
        counted()
    assert len(queries) == 1  # the counters

    publish(documents["sales"], body="Rules for sales: 21 days.")
    assert check() == (2, 5)
    services.acknowledgment_record(
        user=sales_staff, document=documents["sales"], number=3
    )
    assert check() == (1, 2)
    services.document_retire(document=documents["both"], actor=manager, reason="Old")
    assert check() == (0, 0)
    publish(documents["sales"], body="Rules for sales: 22 days.", significance="minor")
    assert check() == (1, 1)
    services.version_shown_record(
        user=sales_staff, document=documents["sales"], number=4
    )
    assert check() == (0, 0)
    publish(documents["sales"], body="Rules for sales: 23 days.", significance="minor")
    assert check() == (1, 1)
    services.digest_mark_seen(user=sales_staff, at=timezone.now())
    assert check() == (0, 0)
    sales_staff.in_support = True
    sales_staff.save()
    assert check() == (1, 2)  # the support document's v1 and v2


def test_a_document_page_is_served_when_seeing_it_cannot_be_recorded(
    client, documents, sales_staff
):
    from unittest import mock

    from django.db import OperationalError

    _minor_change_to_sales(client, documents, sales_staff)
    refuse = OperationalError("attempt to write a readonly database")
    with mock.patch.object(services, "version_shown_record", side_effect=refuse):
        response = client.get("/docs/PRC-0001/")
    assert response.status_code == 200 and "PRC-0001" in response.content.decode()
    assert digest_ids(client) == ["PRC-0001"]  # still waiting: nothing was recorded


def test_another_persons_reading_leaves_my_waiting_count_kept(
    client, documents, sales_staff, support_staff
):
    """What waits for a person is kept under the content counter and their own
    readings: another person acknowledging or opening a document moves neither,
    so nobody else's digest or badge is worked out again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry.caching import reader_revision_of

    client.force_login(sales_staff)
    client.get("/digest/")
    mine = reader_revision_of(sales_staff)
    services.acknowledgment_record(
        user=support_staff, document=documents["both"], number=2
    )
    services.version_shown_record(
        user=support_staff, document=documents["support"], number=2
    )
    assert reader_revision_of(sales_staff) == mine
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/digest/").content.decode()
    assert 'aria-label="2 documents changed (4 versions)"' in html
    assert not [q for q in queries if "latest_major_number" in sql_of(q)]

    services.acknowledgment_record(
        user=sales_staff, document=documents["both"], number=2
    )
    assert reader_revision_of(sales_staff) != mine
    html = client.get("/digest/").content.decode()
    assert 'aria-label="1 document changed (2 versions)"' in html


# A digest entry as the template wrote it before `digest_entries` (listing.py).
_ENTRY_TEMPLATE = """{% load listing quick %}<article class="digest-entry" id="{{ entry.document.doc_id }}">
  <header>
    <p class="citation"><a class="doc-id" href="{{ entry.document.get_absolute_url }}">{{ entry.document.doc_id }}</a>
      <span class="version-number">v{{ entry.current_number }}</span>
      {% if personal %}{% if entry.needs_acknowledgment %}<span class="badge major">needs acknowledgment</span>{% else %}<span class="badge">minor only</span>{% endif %}{% endif %}</p>
    <h2><a href="{{ entry.document.get_absolute_url }}">{{ entry.document.title }}</a></h2>
    <p class="meta-line">Owner {{ entry.document.owner.display_name }} &middot; {{ entry.document.category.name }} &middot; for {{ entry.document.get_audience_display }}
      &middot; {% if entry.baseline %}changes since v{{ entry.baseline }}{% else %}new document{% endif %}</p>
  </header>
  <ol class="version-list">{% version_items entry.document entry.versions %}{% if entry.earlier %}
    <li class="earlier">and {{ entry.earlier }} earlier version{{ entry.earlier|pluralize }}{% if entry.baseline %} since v{{ entry.baseline }}{% endif %}: <a href="{% address 'docs_registry:history' entry.document.doc_id %}">see the history</a></li>{% endif %}
  </ol>
  {% if entry.baseline %}
  <details class="inline-diff">
    <summary>Show the change from v{{ entry.baseline }} to v{{ entry.current_number }}{% if not entry.too_different %} ({{ entry.stats.words_added }} word{{ entry.stats.words_added|pluralize }} added, {{ entry.stats.words_removed }} removed){% endif %}</summary>
    <div class="doc-body rendered-diff">{{ entry.diff }}</div>
    <p><a href="{% address 'docs_registry:compare' entry.document.doc_id %}?from={{ entry.baseline }}&amp;to={{ entry.current_number }}">Open the comparison</a></p>
  </details>
  {% endif %}
  {% if personal %}
  <p class="ack-form">
    <button type="submit" form="acknowledge-one" formaction="{% address 'docs_registry:acknowledge' entry.document.doc_id %}" name="number" value="{{ entry.current_number }}"{% if entry.needs_acknowledgment %} class="primary"{% endif %}>I have read v{{ entry.current_number }}</button>
  </p>
  {% endif %}
</article>
"""  # noqa: E501


def test_the_digest_entries_are_what_the_template_wrote(owner, manager, sales_staff):
    from django.template import Context, Template

    from docs_registry.caching import reader_revision_of
    from docs_registry.selectors.digest import PendingDocuments, digest_entries
    from docs_registry.templatetags.listing import digest_entries as written

    from .factories import make_user
    from .test_diffing import unrelated_text

    writer = make_user("o-brien", first_name='O\'Brien <"QA">', in_sales=True)
    category = make_category(name="Pricing & <Terms>", prefix="PT")

    def made(title, **fields):
        document = make_document(
            owner=writer, manager=manager, category=category, title=title, **fields
        )
        services.acknowledgment_record(user=sales_staff, document=document, number=1)
        return document

    long = made("A long <absence>")
    for number in range(2, 15):
        publish(
            long,
            body=f"Step {number}.",
            significance="minor" if number % 2 else "major",
        )
    publish(made("Minor & only"), body="A typo fixed.", significance="minor")
    publish(made("Rewritten"), body=unrelated_text(3, 60_000))
    announced = made("Announced")
    later = timezone.now() + timedelta(days=30)
    publish(announced, body="New prices.", effective_at=later)
    publish(announced, body="Newer prices.", effective_at=later - timedelta(days=1))
    make_document(
        owner=writer, manager=manager, category=category, title='Fresh "<b>new</b>"'
    )

    documents = PendingDocuments(
        sales_staff, reader_revision_of(sales_staff), lambda: None
    )[0:10]
    entries = digest_entries(documents)
    assert len(entries) == 5
    template = Template(_ENTRY_TEMPLATE)
    for personal in (True, False):
        looped = "".join(
            template.render(Context({"entry": entry, "personal": personal}))
            for entry in entries
        )
        assert written(entries, personal) == looped
    html = written(entries, True)
    for shown in (
        "and 3 earlier versions since v1",
        "withdrawn before it applied",
        "new document",
        "O&#x27;Brien &lt;&quot;QA&quot;&gt;",
        "Pricing &amp; &lt;Terms&gt;",
        "minor only",
        "needs acknowledgment",
    ):
        assert shown in html, shown


def test_a_digest_worked_out_from_its_kept_rows_shows_the_same_entries(
    client, documents, sales_staff
):
    """The page's documents are kept as the rows the database gave (cheaper to
    keep than the documents made of them): with every other kept part gone, the
    page is worked out again from those rows, reading no documents, and shows the
    same entries."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry import caching
    from docs_registry.selectors.digest import _DIGEST_DOCUMENTS

    client.force_login(sales_staff)
    client.get("/digest/")  # a first visit writes the digest's state
    caching.empty()
    first = client.get("/digest/")
    kept = [key for key in cache._cache if ":digest-page:" in key]
    assert kept
    rows = {key: cache._cache[key] for key in kept}
    caching.empty()
    for key, value in rows.items():
        cache._cache[key] = value
        cache._expire_info[key] = None
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/digest/")
    # Up to its first value, which a query log writes in.
    documents_query = _DIGEST_DOCUMENTS._compiled().sql.partition("%s")[0]
    assert not any(sql_of(query).startswith(documents_query) for query in queries)
    for doc_id in ("PRC-0001", "PRC-0003"):
        assert _entry_html(again, doc_id) == _entry_html(first, doc_id)


def test_a_digest_reads_version_bodies_only_to_work_out_a_comparison(
    client, documents, sales_staff
):
    """The changes shown come stored (StoredComparison) once worked out: a digest
    then reads no version's body; worked out, both sides of every entry are read
    in one query, whatever the page holds."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for document in (documents["sales"], documents["both"]):
        services.acknowledgment_record(user=sales_staff, document=document, number=1)
        publish(document, body=f"{document.title}: 21 days.", summary="Now 21 days.")
    client.force_login(sales_staff)
    client.get("/docs/")  # the session, read once per client

    def bodies_read() -> list[str]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/digest/").content.decode()
        assert html.count("<ins>21</ins>") == 2  # sales and both
        return [
            sql
            for sql in map(sql_of, queries.captured_queries)
            if '"docs_registry_version"."body' in sql
        ]

    first, again = bodies_read(), bodies_read()
    assert len(first) == 1, first
    assert again == []


def test_the_digest_counts_what_waits_with_no_query_of_its_own(
    client, documents, sales_staff, settings
):
    """The header's badge and the digest's pages count the same documents, read
    with the counters: with a cache that keeps nothing, nothing counts the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kb.settings import cache_settings

    settings.CACHES = {"default": cache_settings("dummy://", ttl=60, max_entries=10)}
    client.force_login(sales_staff)
    client.get("/docs/")  # the session, read once per client
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/digest/").content.decode()
    assert 'aria-label="2 documents changed (4 versions)">2</span>' in html
    assert "2 documents changed (4 versions) since you last" in html
    counts = [
        sql
        for sql in map(sql_of, queries.captured_queries)
        if "COUNT(" in sql.upper() and "pendingdocument" in sql
    ]
    assert counts == []


def test_a_digest_joins_people_by_their_names_alone(client, documents, sales_staff):
    """Worked out afresh, a sales digest's queries (its documents, answers,
    glossary changes, exceptions, team news and week from the field) read no
    joined person's password hash, sign-in times or roles: only the signed-in
    person's own row holds them."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(sales_staff)
    client.get("/docs/")  # the session, read once per client
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/digest/").status_code == 200
    whole = [
        sql for sql in map(sql_of, queries.captured_queries) if '"last_login"' in sql
    ]
    assert len(whole) == 1 and "django_session" not in whole[0], whole
    assert whole[0].startswith('SELECT "docs_registry_user"."id"'), whole


def test_the_digest_reads_its_stored_comparisons_without_their_plain_text(
    client, document, sales_staff
):
    """The digest shows each change's HTML: the comparisons' plain text (the
    email's) is not read for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from docs_registry import caching

    services.acknowledgment_record(user=sales_staff, document=document, number=1)
    publish(document, body="Up to **12%** needs no approval.", summary="Twelve")
    client.force_login(sales_staff)
    client.get("/digest/")  # works the change from v1 out and stores it
    caching.empty()
    with CaptureQueriesContext(connection) as queries:
        served = client.get("/digest/").content.decode()
    assert "Show the change from v1 to v2" in served and "12%" in served
    (read,) = [
        sql for sql in map(sql_of, queries) if '"docs_registry_storedcomparison"' in sql
    ]
    assert '"docs_registry_storedcomparison"."html"' in read
    assert '"docs_registry_storedcomparison"."text"' not in read
