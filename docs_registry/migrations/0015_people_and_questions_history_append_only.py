"""The history of people and of questions joins the append-only record (see 0004
for the why): its records refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
The content stamp that kept pages are cached under (docs_registry/caching.py) is
the newest row of these tables too: it must only ever grow."""

from django.db import migrations

TABLES = ["docs_registry_historicaluser", "docs_registry_historicalquestion"]
FUNCTION = "docs_registry_refuse_change"  # created by 0004 on PostgreSQL


def _operations(vendor):
    operations = ["update", "delete"]
    return [*operations, "truncate"] if vendor == "postgresql" else operations


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        message = f"{table} is append-only: history records are never changed or deleted"
        for operation in _operations(vendor):
            name = f"{table}_no_{operation}"
            if vendor == "postgresql":
                each = "STATEMENT" if operation == "truncate" else "ROW"
                schema_editor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                    f"FOR EACH {each} EXECUTE FUNCTION {FUNCTION}('{message}')"
                )
            else:
                schema_editor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for operation in _operations(vendor):
            on_table = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_{operation}{on_table}"
            )


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0014_page_state_function")]
    operations = [migrations.RunPython(install, remove)]
