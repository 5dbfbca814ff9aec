"""Exactly what changed, through a real browser: an owner types a one-word change
into the real textarea (so the browser submits CRLF line endings), publishes it,
and the comparison, both teams' digests and the email digest show that one word
and nothing else; summaries between two versions are all listed; the digest's
badge and page agree and hold still."""

from __future__ import annotations

import re
from io import StringIO
from urllib.parse import unquote_plus

import pytest
from django.core import mail
from django.core.management import call_command

from docs_registry import services
from docs_registry.models import Document, User
from integrations.services import email_preference_save

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture explains: skipped, or failed in CI
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOC_ID = "POL-0001"  # Refund policy: both teams, owned by support-lead
LAST_LINE_END = "answers within two business days."
DEMO_PASSWORD = "demo"


@pytest.fixture
def demo(settings):
    """The demo data, as `make run` serves it, with both readers up to date."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    document = Document.objects.select_related("current_version").get(doc_id=DOC_ID)
    for username in ("sales", "support"):
        services.acknowledgment_record(
            user=User.objects.get(username=username),
            document=document,
            number=document.current_version.number,
        )
    call_command("send_digests", stdout=StringIO())  # what came before is emailed
    mail.outbox.clear()
    # A daily digest would wait for tomorrow: major changes come at the next run.
    email_preference_save(
        user=User.objects.get(username="sales"), frequency="major", weekday=0
    )
    return document


def publish(document, *, body, summary, significance="major"):
    """Published by its owner, as the edit page would after "publish anyway": some
    demo documents still use words the glossary says to avoid."""
    document.refresh_from_db()
    return services.document_publish(
        document=document,
        actor=document.owner,
        title=document.title,
        body=body,
        summary=summary,
        significance=significance,
        base_number=document.current_version.number,
        publish_anyway=True,
    )


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def _texts(locator) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def _type_one_word_change(page) -> str:
    """Replace "two" by "three" in the last line, with the keyboard. Returns the
    form body the browser sent."""
    body = page.get_by_label("Body")
    value = body.input_value()
    assert value.rstrip().endswith(LAST_LINE_END), value[-80:]
    body.click()
    page.keyboard.press("Control+End")
    for _ in range(len(value) - value.rindex("two")):
        page.keyboard.press("Backspace")
    page.keyboard.type("three business days.")
    page.keyboard.press("Enter")
    sent = {}
    page.on(
        "request",
        lambda request: (
            sent.setdefault("body", request.post_data)
            if request.method == "POST"
            else None
        ),
    )
    page.get_by_label("Change summary").fill(
        "Exceptions are answered within three days."
    )
    number = int(
        page.get_by_role("button", name=re.compile(r"^Publish v\d+$"))
        .inner_text()
        .split("v")[1]
    )
    page.get_by_role("button", name=f"Publish v{number}").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Published {DOC_ID} v{number}.")
    ).to_be_visible()
    return sent["body"]


def test_a_one_word_change_typed_in_the_browser_shows_as_one_word_everywhere(
    new_page, demo
):
    before = demo.current_version.number
    owner = new_page()
    _sign_in(owner, "support-lead")
    owner.goto(f"/docs/{DOC_ID}/edit/")
    sent = _type_one_word_change(owner)
    assert "%0D%0A" in sent  # the browser really sent CRLF line endings
    document = Document.objects.select_related("current_version").get(doc_id=DOC_ID)
    assert document.current_version.number == before + 1
    assert "\r" not in document.current_version.body  # stored normalised

    # The comparison: that word out, that word in, and a count of one each.
    owner.goto(f"/docs/{DOC_ID}/compare/")
    main = owner.get_by_role("main")
    expect(main.get_by_text("1 word added, 1 removed")).to_be_visible()
    assert _texts(main.get_by_role("insertion")) == ["three"]
    assert _texts(main.get_by_role("deletion")) == ["two"]

    # Both teams' digests: the same entry, the same single word.
    entries = {}
    for username in ("sales", "support"):
        page = new_page()
        _sign_in(page, username)
        page.goto("/digest/")
        entry = page.locator(f"article.digest-entry#{DOC_ID}")
        expect(entry).to_contain_text("Exceptions are answered within three days.")
        entry.get_by_text(re.compile(r"Show the change from v\d+ to v\d+")).click()
        expect(entry.get_by_text("(1 word added, 1 removed)")).to_be_visible()
        assert _texts(entry.get_by_role("insertion")) == ["three"]
        assert _texts(entry.get_by_role("deletion")) == ["two"]
        entries[username] = entry.inner_text()
    assert entries["sales"] == entries["support"]

    # The email digest (of what is new since the last one) shows that word too.
    call_command("send_digests", stdout=StringIO())
    message = next(m for m in mail.outbox if m.to == ["sales@example.com"])
    html = message.alternatives[0][0]
    assert re.findall(r"<ins[^>]*>(.*?)</ins>", html) == ["three"]
    assert re.findall(r"<del[^>]*>(.*?)</del>", html) == ["two"]
    assert unquote_plus(sent).count("three business days.") == 1


def test_a_comparison_over_three_versions_lists_every_summary(page, demo):
    start = demo.current_version.number
    summaries = [
        "Refunds now go back within 3–7 business days.",
        "Fixed a typo in the reply.",
    ]
    publish(
        demo, body=demo.current_version.body + "\nA new line.\n", summary=summaries[0]
    )
    publish(
        demo,
        body=demo.current_version.body + "\nAnother line.\n",
        summary=summaries[1],
        significance="minor",
    )
    _sign_in(page, "sales")
    page.goto(f"/docs/{DOC_ID}/compare/?from={start - 1}&to={start + 2}")
    listed = page.get_by_role("region", name="What the owner said changed")
    for summary in summaries:
        expect(listed.get_by_text(summary)).to_be_visible()
    links = listed.get_by_role("link")
    expect(links).to_have_text([f"v{n}" for n in (start + 2, start + 1, start)])
    expect(listed.get_by_role("listitem").nth(0)).to_contain_text("minor")
    expect(listed.get_by_role("listitem").nth(1)).to_contain_text("major")


def _badge_and_heading(page) -> tuple[str, str]:
    badge = page.get_by_role("navigation", name="Main").locator(".count-badge")
    heading = page.locator("#waiting-summary")
    return badge.inner_text(), heading.inner_text()


def test_the_badge_and_the_digest_agree_and_hold_still(page, demo):
    publish(
        demo,
        body=demo.current_version.body + "\nOne more line.\n",
        summary="Added a line.",
    )
    other = Document.objects.get(doc_id="POL-0002")
    publish(
        other,
        body=other.current_version.body + "\nTypo fixed.\n",
        summary="Typo.",
        significance="minor",
    )
    _sign_in(page, "sales")
    page.goto("/digest/")
    badge, heading = _badge_and_heading(page)
    count = int(badge)
    assert heading.startswith(f"{count} document")
    entries = page.locator("article.digest-entry[id]").count()
    assert entries == min(count, 10)

    page.reload()  # reading changes nothing
    assert _badge_and_heading(page) == (badge, heading)
    assert page.locator("article.digest-entry[id]").count() == entries

    entry = page.locator(f"article.digest-entry#{DOC_ID}")
    entry.get_by_role("button", name=re.compile(r"^I have read v\d+$")).click()
    expect(page.get_by_role("status").filter(has_text="you have read")).to_be_visible()
    after_badge, after_heading = _badge_and_heading(page)
    assert int(after_badge) == count - 1
    assert after_heading.startswith(f"{count - 1} document")
