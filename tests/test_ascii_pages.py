"""A page of plain English text is sent as plain ASCII: what the templates and
tags write around it (separators, arrows, dashes, quotes, ellipses) is written as
character references. One character beyond ASCII makes Python hold the whole page
two bytes a character, and encode it (to send it) and pickle it (to keep it)
character by character: for a digest of 77 KB, 0.25 ms of each page worked out
afresh, and 0.1 ms of each page read again, against a few microseconds."""

import re
from pathlib import Path

import pytest

from docs_registry import services

from .factories import make_user, publish

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# What a template says to its reader alone is never sent.
_COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def _beyond_ascii(text: str) -> list[str]:
    return sorted({character for character in text if not character.isascii()})


def test_templates_write_nothing_beyond_ascii():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        written = _COMMENTS.sub("", path.read_text(encoding="utf-8"))
        for number, line in enumerate(written.splitlines(), start=1):
            if not line.isascii():
                where = path.relative_to(TEMPLATES)
                found.append(f"{where}:{number}: {_beyond_ascii(line)}")
    assert not found, "Write these as character references (&middot; …):\n" + (
        "\n".join(found)
    )


@pytest.fixture
def reader(client, owner, manager, document):
    # Two versions (a comparison, a digest entry with its inline change) and a
    # body long enough that a search excerpt is cut (an ellipsis).
    words = " ".join(f"word{index}" for index in range(80))
    publish(document, body=f"Up to 10% needs no approval. {words} refund window.")
    publish(
        document,
        body=f"Up to 15% needs no approval. {words} refund window.",
        summary="Raised the limit",
    )
    person = make_user("plain-reader", in_sales=True, in_support=True)
    services.acknowledgment_record(user=person, document=document, number=1)
    client.force_login(person)
    return client


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/docs/",
        "/docs/PRC-0001/",
        "/docs/PRC-0001/v1/",
        "/docs/PRC-0001/history/",
        "/docs/PRC-0001/compare/?from=1&to=3",
        "/digest/",
        "/search/?q=refund",
        "/search/?q=word40",
        "/glossary/",
    ],
)
def test_pages_of_plain_text_are_sent_as_ascii(reader, address):
    response = reader.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.isascii(), f"{address} writes {_beyond_ascii(page)}"
