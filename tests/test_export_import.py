import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from docs_registry import coverage_counts, services, transfer
from docs_registry.models import (
    Acknowledgment,
    Audience,
    Category,
    Document,
    DocumentOwner,
    GlossaryTerm,
    Question,
    User,
    Version,
)

from .factories import make_category, make_document, make_user, publish

pytestmark = pytest.mark.django_db

MANAGE_PY = Path(__file__).resolve().parent.parent / "manage.py"


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Category, Document, Version, Acknowledgment, Question)
    } | {"history": Document.history.count(), "terms": GlossaryTerm.objects.count()}


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class _Rollback(Exception):
    pass


@pytest.fixture
def exported(tmp_path) -> Path:
    """An export of a small registry, whose rows are then rolled back: the test
    database is empty again, ready for an import."""
    target = tmp_path / "export"
    try:
        with transaction.atomic():
            manager = make_user("manager", is_manager=True, in_sales=True)
            owner = make_user("sales-lead", in_sales=True, last_name="Lead")
            reader = make_user("sales", in_sales=True)
            make_category(name="Policies", prefix="POL")
            category = make_category()
            Category.objects.filter(pk=category.pk).update(last_number=4)
            document = make_document(owner=owner, manager=manager, category=category)
            # Stored before bodies were normalised: archives keep it byte for byte.
            with mock.patch(
                "docs_registry.services.documents.normalise_text", lambda text: text
            ):
                publish(document, body="Up to **15%**.\r\nNo approval.", summary="15%")
            services.acknowledgment_record(user=reader, document=document, number=2)
            services.question_ask(
                document=document, actor=reader, kind="question", text="And 20%?"
            )
            services.glossary_term_save(
                actor=manager,
                term=None,
                wording="Seat",
                definition="One named agent.",
                audience=Audience.BOTH,
                avoid="licence",
                owner=owner,
            )
            services.document_retire(document=document, actor=manager, reason="Old")
            transfer.export_registry(target)
            raise _Rollback
    except _Rollback:
        pass
    assert not Document.objects.exists()
    return target


def test_export_layout_and_front_matter(exported):
    assert sorted(tree(exported)) == [
        "acknowledgments.json",
        "categories.json",
        "documents/PRC-0005/document.json",
        "documents/PRC-0005/v0001.md",
        "documents/PRC-0005/v0002.md",
        "glossary.json",
        "questions.json",
        "users.json",
    ]
    text = (exported / "documents/PRC-0005/v0002.md").read_bytes().decode()
    head, body = text.split("\n---\n", 1)
    assert body == "Up to **15%**.\r\nNo approval."
    assert head.split("\n") == [
        "---",
        'id: "PRC-0005"',
        "version: 2",
        'title: "Discount approval rules"',
        'category: "PRC"',
        'audience: "both"',
        'owner: "sales-lead"',
        'summary: "15%"',
        'significance: "major"',
        'publisher: "sales-lead"',
        head.split("\n")[10],
    ]
    assert head.split("\n")[10].startswith('published: "20')
    assert head.endswith('+00:00"')
    meta = json.loads((exported / "documents/PRC-0005/document.json").read_text())
    assert meta["status"] == "retired" and meta["retired_by"] == "manager"
    assert meta["retirement_reason"] == "Old" and meta["category"] == "PRC"
    users = (exported / "users.json").read_text()
    assert users.endswith("}\n]\n") and "password" not in users
    assert json.loads(users)[2] == {
        "active": True,
        "email": "sales-lead@example.com",
        "first_name": "Sales Lead",
        "last_name": "Lead",
        "manager": False,
        "teams": ["sales"],
        "username": "sales-lead",
    }
    glossary = json.loads((exported / "glossary.json").read_text())
    assert glossary[0]["owner"] == "sales-lead" and glossary[0]["avoid"] == "licence"


def test_a_folder_that_is_not_empty_is_refused(document, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_docs", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_import_restores_ids_numbers_dates_and_people(exported):
    call_command("import_docs", exported, stdout=StringIO())

    document = Document.objects.get(doc_id="PRC-0005")
    assert document.is_retired and document.retired_by.username == "manager"
    assert document.current_version.number == 2
    assert document.latest_major_number == 2
    assert list(document.versions.order_by("number").values_list("body", flat=True))[
        1
    ] == ("Up to **15%**.\r\nNo approval.")
    owner = User.objects.get(username="sales-lead")
    assert not owner.has_usable_password() and owner.in_sales
    assert Acknowledgment.objects.count() == 3
    assert Acknowledgment.objects.get(user__username="sales").number == 2
    assert Question.objects.get().text == "And 20%?"
    assert GlossaryTerm.objects.get().owner == owner
    # The filters' owners: the imported documents' (saved one by one).
    assert list(DocumentOwner.objects.values_list("user_id", flat=True)) == [owner.pk]
    # The coverage report's counts, though the acknowledgments came in bulk.
    kept = coverage_counts.kept_counts()
    assert kept == coverage_counts.expected_counts()
    assert sum(either for _, _, either in kept.values()) > 0
    (record,) = document.history.all()
    assert record.change_kind == "created" and record.history_user.username == (
        "manager"
    )
    assert record.history_date == document.created_at
    call_command("verify_history", stdout=StringIO())
    # New IDs continue after the imported ones (and the exported counter).
    new = make_document(
        owner=owner,
        manager=User.objects.get(username="manager"),
        category=Category.objects.get(prefix="PRC"),
    )
    assert new.doc_id == "PRC-0006"


def test_an_import_into_a_registry_with_documents_is_refused(document, tmp_path):
    call_command("export_docs", tmp_path / "out", stdout=StringIO())
    before = row_counts()
    with pytest.raises(CommandError, match="already has 1 document"):
        call_command("import_docs", tmp_path / "out")
    assert row_counts() == before


def test_a_category_with_another_name_stops_the_import(exported):
    make_category(name="Prices", prefix="PRC")
    before = row_counts()
    with pytest.raises(CommandError, match=r"categories\.json:9: category PRC"):
        call_command("import_docs", exported)
    assert row_counts() == before


def test_an_existing_user_with_other_details_stops_the_import(exported):
    make_user("sales", in_support=True)
    before = row_counts()
    with pytest.raises(CommandError, match=r"users\.json:13: user 'sales'.*in_sales"):
        call_command("import_docs", exported)
    assert row_counts() == before


def test_an_unknown_person_stops_the_import_before_writing(exported):
    path = exported / "questions.json"
    path.write_text(path.read_text().replace('"asked_by": "sales"', '"asked_by": "x"'))
    before = row_counts()
    with pytest.raises(CommandError, match=r"questions\.json:2: asked_by 'x'"):
        call_command("import_docs", exported)
    assert row_counts() == before


def test_a_malformed_front_matter_line_names_file_and_line(exported):
    path = exported / "documents/PRC-0005/v0001.md"
    path.write_text(path.read_text().replace('title: "', 'title "', 1))
    with pytest.raises(CommandError, match=r"v0001\.md:4: expected 'key: value'"):
        call_command("import_docs", exported)
    assert not User.objects.exists()


def test_a_front_matter_value_that_is_not_json_names_the_line(exported):
    path = exported / "documents/PRC-0005/v0002.md"
    path.write_text(path.read_text().replace('summary: "15%"', "summary: 15%"))
    with pytest.raises(CommandError, match=r"v0002\.md:8: the value of 'summary'"):
        call_command("import_docs", exported)


def test_invalid_json_names_file_and_line(exported):
    path = exported / "categories.json"
    path.write_text(path.read_text().replace('"POL",', '"POL"', 1))
    with pytest.raises(CommandError, match=r"categories\.json:\d+: invalid JSON"):
        call_command("import_docs", exported)
    assert not Category.objects.exists()


def test_a_missing_version_is_refused(exported):
    (exported / "documents/PRC-0005/v0001.md").unlink()
    with pytest.raises(CommandError, match=r"v0002\.md:1: expected version 1"):
        call_command("import_docs", exported)


def test_plain_markdown_files_become_new_documents(document, tmp_path):
    (tmp_path / "b-refunds.md").write_text("Intro\n\n# Refund rules\n\nWithin 30 days.")
    (tmp_path / "a-seat_counts.md").write_text("Count **named** agents.")
    out = StringIO()
    call_command(
        "import_docs", tmp_path, category="PRC", owner="sales-lead", stdout=out
    )
    assert "PRC-0002, PRC-0003" in out.getvalue()
    created = Document.objects.filter(doc_id__in=["PRC-0002", "PRC-0003"])
    assert [(d.doc_id, d.title, d.owner.username) for d in created] == [
        ("PRC-0002", "a seat counts", "sales-lead"),
        ("PRC-0003", "Refund rules", "sales-lead"),
    ]
    assert created[1].current_version.body.endswith("Within 30 days.")
    assert created[1].history.get().history_user.username == "manager"


def test_plain_markdown_needs_an_owner_that_exists(document, tmp_path):
    (tmp_path / "a.md").write_text("# A")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("import_docs", tmp_path, category="PRC", owner="nobody")
    assert Document.objects.count() == 1


def manage(*args: str, database: Path) -> str:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
        [sys.executable, str(MANAGE_PY), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_round_trip_through_a_fresh_database_is_byte_identical(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("export_docs", tmp_path / "a", stdout=StringIO())
    database = tmp_path / "fresh.sqlite3"
    manage("migrate", "-v0", database=database)
    manage("import_docs", str(tmp_path / "a"), database=database)
    manage("export_docs", str(tmp_path / "b"), database=database)
    assert "OK: 25 documents" in manage("verify_history", database=database)

    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert len(first) > 30 and list(first) == list(second)
    for name, content in first.items():
        assert second[name] == content, name
