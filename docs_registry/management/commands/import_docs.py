"""`manage.py import_docs DIR`: restore an export_docs export, or import a folder
of plain Markdown files as new documents (with --category and --owner).

A restore keeps IDs, version numbers, dates and people, and only goes into a
registry without documents. Either way everything is checked first and written in
one transaction: a problem names the file and line and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from docs_registry import transfer
from docs_registry.models import Audience, Category, User


class Command(BaseCommand):
    help = (
        "Restore an export made by export_docs into a registry without documents, "
        "or, with --category and --owner, create a new document from each .md file "
        "of DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument("--category", help="Plain files: the category prefix.")
        parser.add_argument("--owner", help="Plain files: the owner's username.")
        parser.add_argument(
            "--actor",
            help="Plain files: the manager who creates them (default: the first "
            "active manager).",
        )
        parser.add_argument(
            "--audience", choices=Audience.values, default=Audience.BOTH
        )

    def handle(self, *args, directory: Path, category, owner, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        try:
            if category or owner:
                message = self.import_plain(directory, category, owner, **options)
            else:
                counts = transfer.import_export(directory)
                message = (
                    f"Imported {counts['documents']} documents "
                    f"({counts['versions']} versions) from {directory}"
                )
        except transfer.TransferError as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        self.stdout.write(self.style.SUCCESS(message))

    def import_plain(self, directory, prefix, username, *, actor, audience, **_):
        if not (prefix and username):
            raise CommandError("Plain Markdown files need both --category and --owner.")
        documents = transfer.import_markdown(
            directory,
            category=self.lookup(Category, prefix=prefix),
            owner=self.lookup(User, username=username),
            actor=self.lookup(User, username=actor) if actor else self.manager(),
            audience=audience,
        )
        ids = ", ".join(document.doc_id for document in documents)
        return f"Created {len(documents)} documents: {ids}"

    def lookup(self, model, **match):
        try:
            return model.objects.get(**match)
        except model.DoesNotExist:
            value = next(iter(match.values()))
            raise CommandError(f"No {model._meta.verbose_name} {value!r}.") from None

    def manager(self) -> User:
        actor = transfer.default_actor()
        if actor is None:
            raise CommandError("No active manager to create the documents: --actor.")
        return actor
