"""The search index: an FTS5 table on SQLite, a table with a generated tsvector and a
GIN index on PostgreSQL (see docs_registry/search.py). Existing documents and
glossary terms are indexed by 0026, which gives the table its present shape: the
code of today writes the columns of today."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE docs_registry_search USING fts5("
    "kind UNINDEXED, ref UNINDEXED, doc_id, title, body, "
    "tokenize='unicode61 remove_diacritics 2', prefix='3')",
]
POSTGRESQL = [
    "CREATE TABLE docs_registry_search ("
    "id bigint PRIMARY KEY, kind varchar(8) NOT NULL, ref bigint NOT NULL, "
    "doc_id text NOT NULL, title text NOT NULL, body text NOT NULL, "
    "tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(doc_id, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED)",
    "CREATE INDEX docs_registry_search_tsv ON docs_registry_search USING GIN (tsv)",
]


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    statements = SQLITE if connection.vendor == "sqlite" else POSTGRESQL
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE docs_registry_search")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0008_api_tokens")]

    operations = [migrations.RunPython(create_index, drop_index)]
