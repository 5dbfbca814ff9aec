"""On SQLite, the columns a list of versions shows, in an index of their own.

SQLite stores a row's columns in order, and a version's body and its HTML come
before its summary, dates, publisher and hash: some 6 KB, which spill over onto
a page of their own that SQLite reads to reach the columns after them. With
this index, the digest's statement for its 60 version lines took 0.20 ms on the
bench's data, against 0.48 without. PostgreSQL keeps long values apart (TOAST)
and needs no such index.

Written here, outside the models' state, since it is for one database alone.
A later migration that rebuilds the versions' table on SQLite would drop it:
tests/test_version_lines.py checks that the digest's statement still reads
this index alone."""

from django.db import migrations

INDEX = "version_lines"
COLUMNS = (
    "document_id",
    "number",
    "published_at",
    "effective_at",
    "significance",
    "published_by_id",
    "summary",
    "content_hash",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON docs_registry_version ({', '.join(COLUMNS)})"
        )
        # Without its statistics SQLite reads each document's every version
        # from the index, not only those from a number on (0.41 ms, not 0.20).
        schema_editor.execute(f"ANALYZE {INDEX}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0030_changes_newest_first")]

    operations = [migrations.RunPython(create, drop)]
