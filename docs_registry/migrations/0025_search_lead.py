"""Search ranks on the ID, the title and the lead of the body (see
docs_registry/search.py). On SQLite the lead is a column of the FTS5 table, which
cannot be altered: the table is made again. 0026 gives the index its present shape
and fills it."""

from django.db import migrations

COLUMNS = "kind UNINDEXED, ref UNINDEXED, doc_id, title, body"
OPTIONS = "tokenize='unicode61 remove_diacritics 2', prefix='3'"


def _make_table(schema_editor, name: str, columns: str) -> None:
    schema_editor.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({columns}, {OPTIONS})")


def add_lead(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE docs_registry_search")
        _make_table(schema_editor, "docs_registry_search", COLUMNS + ", lead")


def drop_lead(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _make_table(schema_editor, "docs_registry_search_before", COLUMNS)
        schema_editor.execute(
            "INSERT INTO docs_registry_search_before "
            "(rowid, kind, ref, doc_id, title, body) "
            "SELECT rowid, kind, ref, doc_id, title, body FROM docs_registry_search"
        )
        schema_editor.execute("DROP TABLE docs_registry_search")
        schema_editor.execute(
            "ALTER TABLE docs_registry_search_before RENAME TO docs_registry_search"
        )


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0024_stored_comparisons")]

    operations = [migrations.RunPython(add_lead, drop_lead)]
