import time

from django.core.management.base import BaseCommand

from integrations.services import webhooks_deliver


class Command(BaseCommand):
    help = (
        "Deliver the webhooks' waiting events: once, or in a loop (--loop). Any "
        "number may run at once, on any servers: each event is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep delivering, checking for new events every --interval seconds.",
        )
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop: bool, interval: float, **options):
        while True:
            result = webhooks_deliver(report=self.stdout.write)
            if not loop:
                self.stdout.write(
                    f"Delivered {result.delivered}, failed {result.failed} "
                    f"({result.dead} given up)."
                )
                return
            time.sleep(interval)
