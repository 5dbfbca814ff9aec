"""The change history reads publishes and metadata changes newest first, each
only as far as its page ends (selectors.changes.ChangeRows): an index in that
order for each. Versions by publication time and then number (ranges of
publication time use it as they used the index on the time alone, which it
replaces); history records by date and then history id. simple-history makes
the historical model, so its index is written here, outside the models' state,
which no later migration will then try to take away."""

from django.db import migrations, models

HISTORY_INDEX = "historicaldocument_newest_first"


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0029_coverage_counts")]

    operations = [
        migrations.AddIndex(
            model_name="version",
            index=models.Index(
                fields=["published_at", "number"], name="version_newest_first"
            ),
        ),
        migrations.RemoveIndex(model_name="version", name="version_published_at"),
        migrations.RunSQL(
            f"CREATE INDEX {HISTORY_INDEX} ON docs_registry_historicaldocument "
            "(history_date, history_id)",
            f"DROP INDEX {HISTORY_INDEX}",
        ),
    ]
