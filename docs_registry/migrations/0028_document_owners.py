"""Who owns a document, as rows (models.DocumentOwner), listed once from the
documents: docs_registry/owners.py keeps them in step from here on."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def list_the_owners(apps, schema_editor):
    Document = apps.get_model("docs_registry", "Document")
    DocumentOwner = apps.get_model("docs_registry", "DocumentOwner")
    owners = Document.objects.order_by().values_list("owner_id", flat=True)
    DocumentOwner.objects.bulk_create(
        DocumentOwner(user_id=pk) for pk in owners.distinct()
    )
    if schema_editor.connection.vendor == "postgresql":
        # Without statistics PostgreSQL takes a new table for thousands of rows,
        # and reads the whole staff to join the owners' names.
        schema_editor.execute("ANALYZE docs_registry_documentowner")


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0027_waiting_totals")]

    operations = [
        migrations.CreateModel(
            name="DocumentOwner",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.RunPython(list_the_owners, migrations.RunPython.noop),
    ]
