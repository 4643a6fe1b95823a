import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.history import demo_history_load
from demo.settlement import demo_settlement_load
from demo.world import DEMO_ACCOUNTS, demo_world_load


class Command(BaseCommand):
    help = "Build (or bring up to date) the Taibao demo world and its year of history. Safe to run again."

    def handle(self, *args, **options):
        # The demo's accounts share a published password (a superuser among them):
        # never in production unless asked for in so many words.
        if not settings.DEBUG and not settings.TAIBAO_LOAD_DEMO:
            raise CommandError(
                "生产环境（DEBUG 关闭）不加载演示数据和演示账号；确需加载请设置 TAIBAO_LOAD_DEMO=1。"
                "创建第一个平台管理员：python manage.py createsuperuser / "
                "Production (DEBUG off) does not load the demo world and its accounts; set "
                "TAIBAO_LOAD_DEMO=1 if you really mean to. Create the first platform admin "
                "with: python manage.py createsuperuser"
            )
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
