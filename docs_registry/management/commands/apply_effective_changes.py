from django.core.management.base import BaseCommand

from docs_registry.services import document_changes_apply


class Command(BaseCommand):
    help = (
        "Bring into force every change whose effective date has come. Not needed "
        "for correctness (the first request after the moment does it); run it "
        "from a timer shortly after midnight so that no reader's request "
        "carries that work."
    )

    def handle(self, *args, **options):
        applied = document_changes_apply()
        for document in applied:
            self.stdout.write(
                f"{document.doc_id} v{document.current_version.number} is in force."
            )
        self.stdout.write(f"{len(applied)} change(s) brought into force.")
