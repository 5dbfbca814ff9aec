"""Documents are indexed as the plain text of their rendered body rather than
their Markdown source (see docs_registry/search.py): index everything afresh."""

from django.db import migrations


def reindex(apps, schema_editor):
    from docs_registry.search import search_rebuild

    search_rebuild(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0016_seen_versions")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
