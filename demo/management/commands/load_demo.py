import time

from django.core.management.base import BaseCommand

from demo.history import demo_history_load
from demo.world import DEMO_ACCOUNTS, demo_world_load


class Command(BaseCommand):
    help = "Build (or bring up to date) the Taibao demo world and its year of history. Safe to run again."

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = demo_world_load()
        placed = demo_history_load()
        # Household settlement of the history goes here (demo/settlement.py), after the
        # history has written the ledger it settles.
        self.stdout.write(self.style.SUCCESS(f"Taibao demo ready: {summary}"))
        if placed:
            self.stdout.write(
                f"  {placed} orders of the past year placed (all but the newest paid and "
                "attributed to households)"
            )
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<17} {account.email}")
        self.stdout.write(f"  in {time.monotonic() - started:.1f} s")
