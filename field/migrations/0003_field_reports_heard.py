"""How many heard each field report, kept on the report: lists sort the reports
by it, and counting every report's sightings afresh to sort a week of them took
0.5 ms on SQLite and 1.4 ms on PostgreSQL on every digest worked out again.
Filled from the sightings recorded so far: the reporter and one for each.

SQLite adds the column by making the table anew, which drops the planner's
statistics on it: without them it read every report of every person to find a
week's (1.5 ms instead of 0.4), so they are gathered again."""

from django.db import migrations, models

COUNT_SIGHTINGS = (
    "UPDATE field_fieldreport SET heard = 1 + (SELECT COUNT(*) FROM field_sighting"
    " WHERE field_sighting.report_id = field_fieldreport.id)"
)


def gather_statistics_again(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE field_fieldreport")


class Migration(migrations.Migration):
    dependencies = [("field", "0002_exceptions_newest_decided")]

    operations = [
        migrations.AddField(
            model_name="fieldreport",
            name="heard",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.RunSQL(COUNT_SIGHTINGS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunPython(gather_statistics_again, migrations.RunPython.noop),
    ]
