"""The revision counter replaces the page state read from the newest row of each
append-only table: MAX(id) follows sequence order, not commit order, so a page
could be kept under a state that a slower transaction later changed. The
PostgreSQL function that read that state (0014, replaced by 0016) goes with it."""

from django.db import migrations, models


STATE_FUNCTION = "docs_registry_page_state(bigint)"


def create_row(apps, schema_editor):
    apps.get_model("docs_registry", "Revision").objects.create(pk=1, number=0)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {STATE_FUNCTION}")


def recreate_function(apps, schema_editor):
    from importlib import import_module

    if schema_editor.connection.vendor == "postgresql":
        previous = import_module("docs_registry.migrations.0016_seen_versions")
        schema_editor.execute(previous.CREATE)


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0017_search_plain_text")]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("number", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
        migrations.RunPython(drop_function, recreate_function),
    ]
