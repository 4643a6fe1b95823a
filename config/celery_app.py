"""The Celery app. Broker from REDIS_URL; without it tasks run in-process (eager)."""

import os

from celery import Celery, Task, signals

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


# -- request ids in tasks (config/logs.py) ---------------------------------------------------
# The id of the request (or task) that sends a task travels in the message's headers; the
# worker binds it, with the task's name and id, to every line the task logs.


@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    from config.logs import current_request_id

    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


_task_log_context: dict[str, object] = {}


@signals.task_prerun.connect
def _bind_request_id(task_id=None, task=None, **kwargs):
    from config.logs import bound, current_request_id

    headers = getattr(task.request, "headers", None) or {}
    request_id = (
        getattr(task.request, "request_id", None)
        or headers.get("request_id")
        or current_request_id()
    )
    values = {"task": task.name, "task_id": task_id}
    if request_id:
        values["request_id"] = request_id
    context = bound(**values)
    context.__enter__()
    _task_log_context[task_id] = context


@signals.task_postrun.connect
def _unbind_request_id(task_id=None, **kwargs):
    context = _task_log_context.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
