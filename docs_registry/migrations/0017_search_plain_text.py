"""Documents are indexed as the plain text of their rendered body rather than
their Markdown source (see docs_registry/search.py). Indexing everything afresh is
left to 0025, which gives the table its present shape: the code of today writes the
columns of today."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("docs_registry", "0016_seen_versions")]

    operations = []
