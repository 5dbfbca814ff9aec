"""PostgreSQL ranks search hits on a small vector: the ID, the title and the lead of
the body (see docs_registry/search.py). SQLite's FTS5 needs nothing new."""

from django.db import migrations

ADD = (
    "ALTER TABLE docs_registry_search ADD COLUMN rank_tsv tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(doc_id, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', left(coalesce(body, ''), 600)), 'B')) STORED"
)


def add_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_rank_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE docs_registry_search DROP COLUMN rank_tsv")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0012_question_history")]

    operations = [migrations.RunPython(add_rank_vector, drop_rank_vector)]
