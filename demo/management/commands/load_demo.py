import time

from django.core.management.base import BaseCommand

from demo.history import demo_history_load
from demo.settlement import demo_settlement_load
from demo.world import DEMO_ACCOUNTS, demo_world_load


class Command(BaseCommand):
    help = "Build (or bring up to date) the Taibao demo world and its year of history. Safe to run again."

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = demo_world_load()
        placed = demo_history_load()
        settled = demo_settlement_load()  # after the history: it settles its lots and sales
        self.stdout.write(self.style.SUCCESS(f"Taibao demo ready: {summary}"))
        if placed:
            self.stdout.write(
                f"  {placed} orders of the past year placed (all but the newest paid and "
                "attributed to households)"
            )
        self.stdout.write(f"  {settled}")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<17} {account.email}")
        self.stdout.write(f"  in {time.monotonic() - started:.1f} s")
