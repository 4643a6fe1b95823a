from django.core.management.base import BaseCommand

from demo.settlement import demo_settlement_load
from shop.demo_history import demo_history_load
from shop.demo_world import DEMO_ACCOUNTS, demo_world_load


class Command(BaseCommand):
    help = "Build (or bring up to date) the Taibao demo world. Safe to run again."

    def handle(self, *args, **options):
        summary = demo_world_load()
        placed = demo_history_load()
        settled = demo_settlement_load()  # last: it pays for the history's lots and sales
        self.stdout.write(self.style.SUCCESS(f"Taibao demo ready: {summary}"))
        if placed:
            self.stdout.write(f"  {placed} demo orders placed (paid ones attributed to households)")
        self.stdout.write(f"  {settled}")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<17} {account.email}")
