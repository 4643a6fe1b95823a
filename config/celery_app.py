"""The Celery app. Broker from REDIS_URL; without it tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("taibao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
