"""`manage.py export_docs DIR`: a complete, readable backup of the registry.

Every document with every version as Markdown with front matter, and the
categories, people (no passwords), glossary, acknowledgments and questions as
JSON. The layout is described in docs_registry/transfer.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from docs_registry import transfer


class Command(BaseCommand):
    help = (
        "Export every document, version, category, person, glossary term, "
        "acknowledgment and question into DIR, which must be new or empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args, directory: Path, **options):
        try:
            counts = transfer.export_registry(directory)
        except transfer.TransferError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {counts['documents']} documents "
                f"({counts['versions']} versions) to {directory}"
            )
        )
