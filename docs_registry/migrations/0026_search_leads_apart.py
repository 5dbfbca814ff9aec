"""Search ranks on a table of its own: each row's ID, title and lead (see
docs_registry/search.py). Ranking then reads small rows, and counting the hits
reads the index's rows without the lead: on PostgreSQL they are kept narrow (their
text and vector stored apart: `toast_tuple_target`), so a count visits a tenth of
the pages. Both databases are then indexed afresh, the one place that fills the
index on migrating: the code of today writes the tables of today."""

from django.db import migrations

FTS5_OPTIONS = "tokenize='unicode61 remove_diacritics 2', prefix='3'"
SQLITE_INDEX = "kind UNINDEXED, ref UNINDEXED, doc_id, title, body"

POSTGRESQL_LEADS = (
    "CREATE TABLE docs_registry_search_lead ("
    "id bigint PRIMARY KEY, doc_id text NOT NULL, title text NOT NULL, "
    "lead text NOT NULL, "
    "tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', doc_id), 'A') || "
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', lead), 'B')) STORED)"
)
POSTGRESQL_LEADS_INDEX = (
    "CREATE INDEX docs_registry_search_lead_tsv "
    "ON docs_registry_search_lead USING GIN (tsv)"
)
# The rank vector of 0013, as it was.
POSTGRESQL_RANK_VECTOR = (
    "ALTER TABLE docs_registry_search ADD COLUMN rank_tsv tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(doc_id, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', left(coalesce(body, ''), 600)), 'B')) STORED"
)


def _remake_sqlite_index(schema_editor, columns: str) -> None:
    # An FTS5 table cannot be altered; what it held is indexed again afterwards.
    schema_editor.execute("DROP TABLE docs_registry_search")
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE docs_registry_search USING fts5({columns}, "
        f"{FTS5_OPTIONS})"
    )


def leads_apart(apps, schema_editor):
    from docs_registry.search import search_rebuild

    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        _remake_sqlite_index(schema_editor, SQLITE_INDEX)
        schema_editor.execute(
            "CREATE VIRTUAL TABLE docs_registry_search_lead USING fts5("
            f"doc_id, title, lead, {FTS5_OPTIONS})"
        )
    else:
        schema_editor.execute("ALTER TABLE docs_registry_search DROP COLUMN rank_tsv")
        schema_editor.execute(
            "ALTER TABLE docs_registry_search SET (toast_tuple_target = 128)"
        )
        schema_editor.execute(POSTGRESQL_LEADS)
        schema_editor.execute(POSTGRESQL_LEADS_INDEX)
    search_rebuild(connection=connection)


def leads_together(apps, schema_editor):
    # Back to the shape of 0025; rebuilding there is the code of that day's job,
    # so the index is left empty here (`manage.py rebuild_search` fills it).
    connection = schema_editor.connection
    schema_editor.execute("DROP TABLE docs_registry_search_lead")
    if connection.vendor == "sqlite":
        _remake_sqlite_index(schema_editor, SQLITE_INDEX + ", lead")
    else:
        schema_editor.execute("DELETE FROM docs_registry_search")
        schema_editor.execute(
            "ALTER TABLE docs_registry_search RESET (toast_tuple_target)"
        )
        schema_editor.execute(POSTGRESQL_RANK_VECTOR)


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0025_search_lead")]

    operations = [migrations.RunPython(leads_apart, leads_together)]
