"""Every CSV the product serves shows typed text as text, never as a formula."""

import csv
import io

import pytest

from docs_registry import services
from docs_registry.csv_export import neutralise_cell

from .factories import make_document, make_user, publish

pytestmark = pytest.mark.django_db

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_text_cell_starting_with_a_trigger_gets_a_quote(trigger):
    assert neutralise_cell(f"{trigger}1+1") == f"'{trigger}1+1"


@pytest.mark.parametrize("value", ["Pricing", "1+1", " =1", "'=1", "", 0, -3, 2.5])
def test_other_cells_are_written_as_they_are(value):
    assert neutralise_cell(value) == value


def _rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def hostile(trigger, manager, category):
    """A document whose every typed text starts with `trigger`: its title, the
    summaries and reasons written on it, and the names of the people involved."""
    owner = make_user(f"{trigger}owner", in_sales=True)
    document = make_document(
        owner=owner,
        manager=manager,
        category=category,
        title=f"{trigger}cmd|' /C calc'!A0",
    )
    publish(document, body="v2", summary=f'{trigger}HYPERLINK("http://x")')
    new_owner = make_user(f"{trigger}new-owner", in_sales=True)
    services.ownership_transfer(
        document=document, actor=manager, new_owner=new_owner, reason=f"{trigger}2+3"
    )
    return document


def _no_live_formula(rows):
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(tuple(TRIGGERS)), row


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_change_history_csv_neutralises_typed_text(client, manager, hostile, trigger):
    client.force_login(manager)
    rows = _rows(client, "/history/?format=csv")
    _no_live_formula(rows)
    publish_row = next(row for row in rows if row["kind"] == "Publish")
    assert publish_row["who"] == f"'{trigger}owner"
    version = hostile.versions.get(number=2)
    # Services trim surrounding white space, so a tab or CR never reaches the
    # stored title or summary; the other triggers do, and are quoted.
    assert publish_row["summary or reason"] == neutralise_cell(version.summary)
    assert publish_row["title"] == neutralise_cell(hostile.title)
    if trigger.strip():
        assert publish_row["title"] == f"'{hostile.title}"


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_coverage_csv_neutralises_typed_text(client, manager, hostile, trigger):
    client.force_login(manager)
    (row,) = _rows(client, "/coverage/?format=csv")
    _no_live_formula([row])
    assert row["title"] == neutralise_cell(hostile.title)
    assert row["owner"] == f"'{trigger}new-owner"
    assert row["version"] == "2"
