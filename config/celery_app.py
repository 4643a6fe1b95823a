"""The Celery app. Broker from REDIS_URL; without it tasks run in-process (eager)."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class TaibaoTask(Task):
    """Every task: acknowledged after it ran, retried with backoff, domain refusals not retried.

    The one task base: ``shared_task`` anywhere makes a TaibaoTask (``task_cls``
    below); a task names only what is its own (its name, its time limits).
    """

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (Exception,)
    max_retries = 8
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True

    @property
    def dont_autoretry_for(self):
        from outbox.errors import PermanentError

        return (PermanentError,)


app = Celery("taibao", task_cls=TaibaoTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
