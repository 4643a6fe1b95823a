import datetime

from django.core.management.base import BaseCommand

from outbox.services import outbox_relay


class Command(BaseCommand):
    help = (
        "Publish again the outbox events still pending (what celery beat does every 30 s; "
        "run it by hand or from cron where no beat runs)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="seconds (default 60)")

    def handle(self, *args, **options):
        sent = outbox_relay(older_than=datetime.timedelta(seconds=options["older_than"]))
        self.stdout.write(f"{sent} events published again")
