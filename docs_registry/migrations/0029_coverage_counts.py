"""How many of each team have acknowledged each document's latest major version,
as counts (models.CoverageCount), counted once from the acknowledgments:
docs_registry/coverage_counts.py keeps them in step from here on."""

import django.db.models.deletion
from django.db import migrations, models


def count_the_readers(apps, schema_editor):
    from docs_registry.coverage_counts import recount

    recount(connection=schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        # Statistics for a table that was empty a moment ago.
        schema_editor.execute("ANALYZE docs_registry_coveragecount")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0028_document_owners")]

    operations = [
        migrations.CreateModel(
            name="CoverageCount",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="coverage_count",
                        serialize=False,
                        to="docs_registry.document",
                    ),
                ),
                ("sales", models.PositiveIntegerField(default=0)),
                ("support", models.PositiveIntegerField(default=0)),
                ("either", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(count_the_readers, migrations.RunPython.noop),
    ]
