"""The header search finds customer exceptions by a few letters of the customer's
name, in any case, or by the account reference (field.selectors.exception_search).
No b-tree serves `UPPER(customer) LIKE '%…%'`, so every search read every
exception: 0.37 ms for 500, and growing with them. On PostgreSQL a trigram index
on the upper-cased name, and an index on the upper-cased account, give the few
that can match (0.06 ms). SQLite keeps reading them all.

pg_trgm is one of PostgreSQL's own extensions, trusted since PostgreSQL 13: the
database's owner, or anyone allowed to create in it, may add it. The indexes are
not in the models' state: Django cannot write either on SQLite."""

from django.db import migrations

INDEXES = {
    "field_exception_customer_trgm": "USING gin (UPPER(customer) gin_trgm_ops)",
    "field_exception_account_upper": "(UPPER(account))",
}


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON field_customerexception {definition}"
        )


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("field", "0004_field_reports_filed_heard_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
