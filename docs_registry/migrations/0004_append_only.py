"""The permanent record is append-only in the database itself: published versions,
acknowledgments and the simple-history tables refuse UPDATE and DELETE, whatever
code (or person with a database shell) issues them.

Triggers rather than revoked privileges, so SQLite is covered too and the rule
ships with the schema. Kept here as frozen SQL: a migration states what the schema
was at this point, whatever docs_registry/integrity.py says later.

PostgreSQL's TRUNCATE fires no row trigger, so it is refused by a statement
trigger (SQLite has no TRUNCATE: its bulk DELETE fires the row triggers). Hence
`manage.py flush` is refused on both: the permanent record is not wiped by a tool.

Beware: on SQLite, Django alters a table by copying it into a new one, which drops
its triggers. A later migration that alters one of these tables must install the
triggers again (tests/test_integrity.py fails until it does).
"""

from django.db import migrations

REASONS = {
    "docs_registry_version": "published versions are never changed or deleted",
    "docs_registry_acknowledgment": "acknowledgments are never changed or deleted",
    "docs_registry_historicaldocument": "history records are never changed or deleted",
    "docs_registry_historicalcategory": "history records are never changed or deleted",
}
FUNCTION = "docs_registry_refuse_change"


def _triggers(vendor):
    operations = ("update", "delete")
    if vendor == "postgresql":
        operations += ("truncate",)
    for table, reason in REASONS.items():
        message = f"{table} is append-only: {reason}"
        for operation in operations:
            yield table, operation, f"{table}_no_{operation}", message


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # SQLSTATE 23001 (restrict_violation) reaches Django as an IntegrityError,
        # as SQLite's RAISE(ABORT) does.
        schema_editor.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING ERRCODE = 'restrict_violation', "
            "MESSAGE = TG_ARGV[0]; END $$"
        )
        for table, operation, name, message in _triggers(vendor):
            each = "STATEMENT" if operation == "truncate" else "ROW"
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                f"FOR EACH {each} EXECUTE FUNCTION {FUNCTION}('{message}')"
            )
    elif vendor == "sqlite":
        for table, operation, name, message in _triggers(vendor):
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    else:
        raise NotImplementedError(
            f"Samepage runs on SQLite or PostgreSQL; the append-only triggers of "
            f"its permanent record are not written for {vendor}."
        )


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _, name, _ in _triggers(vendor):
        on_table = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):

    dependencies = [
        ("docs_registry", "0003_version_hashes"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
