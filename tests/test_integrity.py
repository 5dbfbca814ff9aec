"""The permanent record: the database refuses to change or delete published
versions, acknowledgments and history records, nothing in the product tries to,
and `verify_history` notices what was done behind the application's back."""

import importlib
from datetime import UTC, datetime, timedelta, timezone
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from docs_registry import integrity, services
from docs_registry.models import Acknowledgment, Category, Document, Version

from .factories import make_document, make_user, publish

pytestmark = pytest.mark.django_db

# Table: (primary key column, a column to change).
PROTECTED = {
    "docs_registry_version": ("id", "body"),
    "docs_registry_acknowledgment": ("id", "number"),
    "docs_registry_historicaldocument": ("history_id", "title"),
    "docs_registry_historicalcategory": ("history_id", "name"),
    "docs_registry_historicalglossaryterm": ("history_id", "term"),
    "docs_registry_historicaluser": ("history_id", "first_name"),
    "docs_registry_historicalquestion": ("history_id", "text"),
}
NEW_VALUE = {
    "body": "Rewritten",
    "number": 99,
    "title": "Rewritten",
    "name": "X",
    "term": "X",
    "first_name": "X",
    "text": "Rewritten",
}


@pytest.fixture
def record(document, sales_staff, manager):
    """A document at v3, read by sales at v2, a glossary term and a question (and
    people, made by the fixtures): a row in every protected table."""
    publish(document, body="Up to 15%.")
    publish(document, body="Up to 20%.")
    services.acknowledgment_record(user=sales_staff, document=document, number=2)
    services.glossary_term_save(
        actor=manager,
        term=None,
        wording="case",
        definition="A customer's request to support.",
        audience="both",
        avoid="ticket",
        owner=None,
    )
    services.question_ask(
        document=document, actor=sales_staff, kind="question", text="VAT?", quote=""
    )
    document.refresh_from_db()
    return document


def rows(table: str) -> list[tuple]:
    pk = PROTECTED[table][0]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 -- constants
        return cursor.fetchall()


def permanent_record() -> dict[str, list[tuple]]:
    return {table: rows(table) for table in PROTECTED}


def assert_only_appended(before: dict[str, list[tuple]]) -> None:
    """Every row that was there is still there, unchanged (new rows may follow)."""
    after = permanent_record()
    for table, old_rows in before.items():
        assert after[table][: len(old_rows)] == old_rows, table


def first_pk(table: str):
    pk = PROTECTED[table][0]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({pk}) FROM {table}")  # noqa: S608 -- constants
        return cursor.fetchone()[0]


def refused():
    """Expect the append-only refusal (DatabaseError: the base of what each backend
    raises). Callers run the statement in a savepoint (`transaction.atomic()`), so
    on PostgreSQL the test's transaction stays usable afterwards."""
    return pytest.raises(DatabaseError, match="append-only")


# 1. The database refuses edits ------------------------------------------------------


@pytest.mark.parametrize("table", PROTECTED)
def test_a_raw_update_is_refused(record, table):
    pk, column = PROTECTED[table]
    before = permanent_record()
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608 -- constants
            [NEW_VALUE[column], first_pk(table)],
        )
    assert permanent_record() == before


@pytest.mark.parametrize("table", PROTECTED)
def test_a_raw_delete_is_refused(record, table):
    pk, _ = PROTECTED[table]
    before = permanent_record()
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} = %s", [first_pk(table)])  # noqa: S608 -- constants
    assert permanent_record() == before


@pytest.mark.parametrize("table", PROTECTED)
def test_truncate_is_refused_on_postgresql(record, table):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused above")
    before = permanent_record()
    with connection.cursor() as cursor:
        # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still
        # pending in the test's transaction, before any trigger: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert permanent_record() == before


def test_the_orm_cannot_update_or_delete_a_version(record):
    before = permanent_record()
    versions = Version.objects.filter(document=record)
    with refused(), transaction.atomic():
        versions.update(summary="Rewritten history")
    # v1 is not the current version, so nothing in Django protects it: the trigger does.
    with refused(), transaction.atomic():
        versions.filter(number=1).delete()
    version = versions.get(number=2)
    version.body = "Rewritten"
    with refused(), transaction.atomic():
        version.save()
    assert permanent_record() == before


def test_the_orm_cannot_update_or_delete_an_acknowledgment(record):
    before = permanent_record()
    acknowledgments = Acknowledgment.objects.filter(document=record)
    with refused(), transaction.atomic():
        acknowledgments.update(number=3)
    with refused(), transaction.atomic():
        acknowledgments.delete()
    acknowledgment = acknowledgments.first()
    acknowledgment.number = 3
    with refused(), transaction.atomic():
        acknowledgment.save()
    assert permanent_record() == before


@pytest.mark.parametrize("model", [Document, Category])
def test_the_orm_cannot_update_or_delete_a_history_record(record, model):
    before = permanent_record()
    with refused(), transaction.atomic():
        model.history.update(history_change_reason="Rewritten")
    with refused(), transaction.atomic():
        model.history.all().delete()
    historical = model.history.first()
    historical.history_change_reason = "Rewritten"
    with refused(), transaction.atomic():
        historical.save()
    assert permanent_record() == before


def test_a_person_named_in_the_history_cannot_be_deleted(record, manager):
    """Deleting them would blank their name on the records (SET_NULL): refused.
    People are deactivated instead."""
    other_manager = make_user("other-manager", is_manager=True)
    services.ownership_transfer(
        document=record,
        actor=other_manager,
        new_owner=manager,
        reason="Holiday cover",
    )
    before = permanent_record()
    with refused(), transaction.atomic():
        other_manager.delete()
    assert permanent_record() == before


# ... and nothing in the product tries ---------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("action", ["change", "delete"])
def test_the_admin_refuses_to_change_or_delete_a_version(
    record, superuser_client, action
):
    before = permanent_record()
    for version in record.versions.all():
        url = f"/admin/docs_registry/version/{version.pk}/{action}/"
        data = {"summary": "Rewritten", "body": "Rewritten", "post": "yes"}
        assert superuser_client.post(url, data).status_code == 403
    assert permanent_record() == before


@pytest.mark.parametrize("model", [Document, Category])
def test_the_admin_refuses_to_revert_a_history_record(record, superuser_client, model):
    before = permanent_record()
    historical = model.history.earliest()
    name = model._meta.model_name
    url = f"/admin/docs_registry/{name}/{historical.id}/history/{historical.pk}/"
    response = superuser_client.post(url, {"title": "Old", "name": "Old"})
    assert response.status_code == 403
    assert permanent_record() == before


def edit_form(number: int) -> dict:
    return {
        "title": "Discount approval rules",
        "body": "Up to 25%.",
        "summary": "Raised to 25%.",
        "significance": "major",
        "base_number": number,
        "action": "publish",
    }


def test_republishing_an_edit_adds_a_version_and_leaves_the_old_ones(
    record, client, owner
):
    client.force_login(owner)
    before = permanent_record()
    fields = ("number", "body", "summary", "published_at")
    versions = record.versions.order_by("number")
    old = list(versions.values_list(*fields))

    assert client.post("/docs/PRC-0001/edit/", edit_form(3)).status_code == 302
    # The same form again: its base is no longer current, so nothing is published.
    assert client.post("/docs/PRC-0001/edit/", edit_form(3)).status_code == 409

    assert_only_appended(before)
    assert list(versions.values_list("number", "body")) == [
        *[(number, body) for number, body, *_ in old],
        (4, "Up to 25%."),
    ]
    assert list(versions.filter(number__lte=3).values_list(*fields)) == old


def test_acknowledging_again_changes_no_acknowledgment(record, client, sales_staff):
    client.force_login(sales_staff)
    before = permanent_record()
    for number in (2, 1, 2):
        client.post("/docs/PRC-0001/acknowledge/", {"number": number})
    client.post("/digest/acknowledge/", {"shown": ["PRC-0001:v2"]})
    assert permanent_record() == before


@pytest.mark.slow
@pytest.mark.parametrize("command", ["seed_demo", "send_digests", "verify_history"])
def test_running_a_command_again_changes_no_recorded_row(settings, command):
    settings.DEBUG = True  # seed_demo runs only then
    call_command("seed_demo", stdout=StringIO())
    call_command("send_digests", stdout=StringIO())
    before = permanent_record()
    call_command(command, stdout=StringIO())
    assert_only_appended(before)
    assert Version.objects.count() == len(before["docs_registry_version"])


# 2. Tamper evidence --------------------------------------------------------------


MOMENT = datetime(2026, 11, 25, 11, 51, 0, 5, tzinfo=UTC)


def chain(**changes) -> str:
    fields = {
        "previous_chain": "",
        "doc_id": "PRC-0001",
        "number": 1,
        "publisher_id": 7,
        "published_at": MOMENT,
        "content_hash": "0" * 64,
    } | changes
    return integrity.chain_hash(**fields)


def content(**changes) -> str:
    fields = {
        "title": "T",
        "body": "B",
        "body_html": "<p>B</p>",
        "summary": "S",
        "significance": "major",
    } | changes
    return integrity.content_hash(**fields)


def test_content_hash_encodes_fields_unambiguously():
    assert content(title="ab", body="c") != content(title="a", body="bc")
    # What a naive join of the fields with '","' would confuse:
    assert content(title='a","b', body="c") != content(title="a", body='b","c')
    assert len(content()) == 64 and set(content()) <= set("0123456789abcdef")


@pytest.mark.parametrize(
    "change",
    [
        {"previous_chain": "1" * 64},
        {"doc_id": "PRC-0002"},
        {"number": 2},
        {"publisher_id": 8},
        {"published_at": MOMENT + timedelta(microseconds=1)},
        {"content_hash": "1" * 64},
    ],
)
def test_every_field_is_in_the_chain(change):
    assert chain(**change) != chain()


def test_the_chain_does_not_depend_on_the_time_zone():
    elsewhere = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    assert chain(published_at=elsewhere) == chain()
    with pytest.raises(ValueError, match="timezone-aware"):
        chain(published_at=MOMENT.replace(tzinfo=None))


def sealed(count: int) -> list[integrity.VersionRecord]:
    """PRC-0001 v1..v`count`, hashed as services hash them."""
    previous_chain, records = "", []
    for number in range(1, count + 1):
        version = SimpleNamespace(
            number=number,
            title="T",
            body=f"Body {number}",
            body_html=f"<p>Body {number}</p>",
            summary="S",
            significance="major",
            published_by_id=7,
            published_at=MOMENT + timedelta(days=number),
        )
        integrity.seal(version, doc_id="PRC-0001", previous_chain=previous_chain)
        previous_chain = version.chain_hash
        records.append(integrity.VersionRecord(**vars(version)))
    return records


@pytest.mark.parametrize(
    ("versions", "current", "findings"),
    [
        (sealed(4), 4, []),
        (
            [sealed(4)[0], sealed(4)[3]],
            4,
            ["PRC-0001: versions 2 to 3 are missing", "PRC-0001 v4: chain broken"],
        ),
        (
            [*sealed(2), sealed(2)[1]],
            2,
            ["PRC-0001 v2: out of order or duplicated", "PRC-0001 v2: chain broken"],
        ),
        (
            sealed(2),
            None,
            [
                "PRC-0001: its current version is not one of its versions (the latest "
                "is v2)"
            ],
        ),
        ([], None, ["PRC-0001: has no versions"]),
        (
            [sealed(2)[0]._replace(summary="Edited")],
            1,
            ["PRC-0001 v1: content does not match its hash"],
        ),
        (
            [sealed(2)[0]._replace(published_by_id=8)],
            1,
            ["PRC-0001 v1: chain broken"],
        ),
    ],
)
def test_verify_names_each_problem(versions, current, findings):
    assert (
        integrity.verify(doc_id="PRC-0001", current_number=current, versions=versions)
        == findings
    )


def test_publishing_chains_each_version_to_the_previous_one(record, manager, owner):
    v1, v2, v3 = record.versions.order_by("number")
    assert v1.chain_hash == chain(
        publisher_id=manager.pk,
        published_at=v1.published_at,
        content_hash=v1.content_hash,
    )
    assert v3.chain_hash == chain(
        previous_chain=v2.chain_hash,
        number=3,
        publisher_id=owner.pk,
        published_at=v3.published_at,
        content_hash=content(
            title=v3.title,
            body="Up to 20%.",
            body_html=v3.body_html,
            summary="Changed",
        ),
    )


def verify_history(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_history", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_history_fails() -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("verify_history", stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def drop_trigger(table: str, operation: str) -> None:
    on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {table}_no_{operation}{on_table}")


def test_verify_history_passes_an_intact_database(record, owner, manager, category):
    make_document(owner=owner, manager=manager, category=category, title="Other")
    out, err = verify_history()
    assert out.strip() == "OK: 2 documents, 4 versions verified"
    assert err == ""


def test_verify_history_prints_the_heads_to_keep(record):
    out, _ = verify_history("--heads")
    v3 = record.current_version
    assert f"PRC-0001 v3 {v3.chain_hash}\n" in out


def test_a_changed_byte_is_found(record):
    drop_trigger("docs_registry_version", "update")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE docs_registry_version SET body = %s WHERE document_id = %s "
            "AND number = 2",
            ["Up to 16%.", record.pk],
        )
    assert verify_history_fails() == [
        "docs_registry_version: the append-only trigger "
        "docs_registry_version_no_update is missing or disabled",
        "PRC-0001 v2: content does not match its hash",
    ]


def test_a_change_with_a_recomputed_content_hash_breaks_the_chain(record):
    v2 = record.versions.get(number=2)
    forged = content(
        title=v2.title, body="Up to 50%.", body_html=v2.body_html, summary="Changed"
    )
    drop_trigger("docs_registry_version", "update")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE docs_registry_version SET body = %s, content_hash = %s "
            "WHERE id = %s",
            ["Up to 50%.", forged, v2.pk],
        )
    findings = verify_history_fails()
    assert "PRC-0001 v2: chain broken" in findings
    assert not any("content does not match" in finding for finding in findings)


def test_a_deleted_version_is_found(record):
    drop_trigger("docs_registry_version", "delete")
    with connection.cursor() as cursor:
        # v2: only Document.current_version refers to a version, and it is v3.
        cursor.execute(
            "DELETE FROM docs_registry_version WHERE document_id = %s AND number = 2",
            [record.pk],
        )
    findings = verify_history_fails()
    assert "PRC-0001: version 2 is missing" in findings
    assert "PRC-0001 v3: chain broken" in findings


def test_a_current_version_pointing_back_is_found(record):
    # Document rows may change (owner, title...): only its pointer is wrong here.
    Document.objects.filter(pk=record.pk).update(
        current_version=record.versions.get(number=1)
    )
    assert verify_history_fails() == [
        "PRC-0001: its current version is v1, but the latest is v3"
    ]


def test_the_triggers_are_back_after_a_test_dropped_them(record):
    """The tests above drop triggers inside the test transaction; its rollback
    restores them (DDL is transactional on SQLite and PostgreSQL)."""
    verify_history()
    with refused(), transaction.atomic():
        Version.objects.update(body="Rewritten")


def test_verify_history_reads_in_a_constant_number_of_queries(
    django_assert_num_queries, owner, manager, category
):
    # Savepoint, triggers, documents, versions (streamed), release.
    make_document(owner=owner, manager=manager, category=category)
    with django_assert_num_queries(5):
        verify_history()
    for n in range(5):
        document = make_document(
            owner=owner, manager=manager, category=category, title=f"D{n}"
        )
        publish(document, body="Changed")
    with django_assert_num_queries(5):
        verify_history()


def test_the_backfill_of_migration_0003_gives_the_hashes_services_give(record):
    migration = importlib.import_module("docs_registry.migrations.0003_version_hashes")
    expected = list(Version.objects.values_list("content_hash", "chain_hash"))
    drop_trigger("docs_registry_version", "update")
    Version.objects.update(content_hash="0" * 64, chain_hash="0" * 64)

    migration.hash_existing_versions(apps, None)

    assert list(Version.objects.values_list("content_hash", "chain_hash")) == expected
    assert verify_history_fails() == [
        "docs_registry_version: the append-only trigger "
        "docs_registry_version_no_update is missing or disabled"
    ]
