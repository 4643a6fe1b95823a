from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.demo_history import demo_history_load
from shop.demo_world import DEMO_ACCOUNTS, demo_world_load


class Command(BaseCommand):
    help = "Build (or bring up to date) the Taibao demo world. Safe to run again."

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
        summary = demo_world_load()
        placed = demo_history_load()
        self.stdout.write(self.style.SUCCESS(f"Taibao demo ready: {summary}"))
        if placed:
            self.stdout.write(f"  {placed} demo orders placed (paid ones attributed to households)")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.role:<17} {account.email}")
