"""What waits for each person, counted once and kept with their digest state
(models.DigestState: waiting_documents, waiting_versions): pending.py moves the
totals with the rows from here on; this counts the rows there are."""

from django.db import migrations, models
from django.db.models import Count, Sum


def count_what_waits(apps, schema_editor):
    DigestState = apps.get_model("docs_registry", "DigestState")
    PendingDocument = apps.get_model("docs_registry", "PendingDocument")
    totals = (
        PendingDocument.objects.order_by()
        .values("user_id")
        .annotate(documents=Count("pk"), versions=Sum("versions"))
        .values_list("user_id", "documents", "versions")
    )
    for user_id, documents, versions in totals:
        DigestState.objects.update_or_create(
            user_id=user_id,
            defaults={"waiting_documents": documents, "waiting_versions": versions},
        )


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0026_search_leads_apart")]

    operations = [
        migrations.AddField(
            model_name="digeststate",
            name="waiting_documents",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="digeststate",
            name="waiting_versions",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_what_waits, migrations.RunPython.noop),
    ]
