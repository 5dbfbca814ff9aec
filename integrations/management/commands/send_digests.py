from django.core.management.base import BaseCommand, CommandError

from integrations.services import digests_send


class Command(BaseCommand):
    help = (
        "Email each person due a digest (by their preference) the changes they "
        "have not yet acknowledged since their last one. Safe to run every few "
        "minutes, from several servers at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send nothing and record nothing.",
        )

    def handle(self, *args, dry_run: bool, **options):
        run = digests_send(dry_run=dry_run, report=self.stdout.write)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(f"{verb} {len(run.sent)} digest(s).")
        if run.failed:
            names = ", ".join(name for name, _ in run.failed)
            raise CommandError(
                f"{len(run.failed)} digest(s) failed ({names}); "
                "they will be retried on a later run."
            )
