"""Glossary history joins the append-only record (see 0004 for the why): its
records refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)."""

from django.db import migrations

TABLE = "docs_registry_historicalglossaryterm"
MESSAGE = f"{TABLE} is append-only: history records are never changed or deleted"
FUNCTION = "docs_registry_refuse_change"  # created by 0004 on PostgreSQL


def _operations(vendor):
    return ("update", "delete", "truncate") if vendor == "postgresql" else (
        "update",
        "delete",
    )


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for operation in _operations(vendor):
        name = f"{TABLE}_no_{operation}"
        if vendor == "postgresql":
            each = "STATEMENT" if operation == "truncate" else "ROW"
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {TABLE} "
                f"FOR EACH {each} EXECUTE FUNCTION {FUNCTION}('{MESSAGE}')"
            )
        else:
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation.upper()} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for operation in _operations(vendor):
        on_table = f" ON {TABLE}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation}{on_table}")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0005_glossary")]
    operations = [migrations.RunPython(install, remove)]
