"""Tamper evidence: every version gets its content hash and its link in the chain
of its document's versions (see docs_registry/integrity.py).

Existing versions are hashed here, in number order per document. This must run
before 0004 makes the table append-only: after that no row can be updated.
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

from docs_registry import integrity


def hash_existing_versions(apps, schema_editor):
    Document = apps.get_model("docs_registry", "Document")
    Version = apps.get_model("docs_registry", "Version")
    # One document at a time: SQLite gives no isolation between a cursor still
    # reading a table and updates to it on the same connection.
    for pk, doc_id in Document.objects.order_by("pk").values_list("pk", "doc_id"):
        versions = list(Version.objects.filter(document_id=pk).order_by("number"))
        previous_chain = ""
        for version in versions:
            integrity.seal(version, doc_id=doc_id, previous_chain=previous_chain)
            previous_chain = version.chain_hash
        Version.objects.bulk_update(
            versions, ["content_hash", "chain_hash"], batch_size=500
        )


class Migration(migrations.Migration):

    dependencies = [
        ("docs_registry", "0002_acknowledgments_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="version",
            name="content_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="version",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(hash_existing_versions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="version",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(
                    django.db.models.functions.text.Length("content_hash"), 64
                ),
                name="version_content_hashed",
            ),
        ),
        migrations.AddConstraint(
            model_name="version",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.Exact(
                    django.db.models.functions.text.Length("chain_hash"), 64
                ),
                name="version_chained",
            ),
        ),
    ]
