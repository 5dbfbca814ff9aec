"""`manage.py rebuild_search`: index every document and glossary term afresh."""

from django.core.management.base import BaseCommand
from django.db import transaction

from docs_registry.revisions import revision_bump
from docs_registry.search import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from the documents and the glossary."

    def handle(self, *args, **options):
        with transaction.atomic():
            search_rebuild()
            revision_bump()  # search pages read the index
        self.stdout.write("Search index rebuilt.")
