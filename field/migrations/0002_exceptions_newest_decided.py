"""A digest lists the exceptions granted since the reader last looked, newest
first, twenty at most: an index in that order reads those twenty instead of
sorting every approved exception in force."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("field", "0001_exceptions_and_field_reports")]

    operations = [
        migrations.AddIndex(
            model_name="customerexception",
            index=models.Index(
                fields=["state", "-decided_at"], name="exception_newest_decided"
            ),
        ),
    ]
