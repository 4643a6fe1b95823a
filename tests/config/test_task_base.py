"""One Celery task base: every task of ours takes the shared options and leaves refusals alone."""

import pytest

from config.celery_app import TaibaoTask, app
from farmers.errors import SupplyError
from outbox.errors import PermanentError
from shop.online.services import OnlinePaymentRefused, WebhookRejected
from shop.services.enterprises import EnterpriseRefused
from shop.services.payments import PaymentRefused
from shop.statements.services import StatementRefused


def our_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_a_taibao_task_with_the_shared_options():
    tasks = our_tasks()
    assert "shop.tasks.orders_cancel_unpaid_task" in tasks and "outbox.handle" in tasks
    for name, task in tasks.items():
        assert isinstance(task, TaibaoTask), name
        assert task.acks_late and task.reject_on_worker_lost, name
        assert task.autoretry_for == (Exception,) and task.max_retries == 8, name
        assert task.dont_autoretry_for == (PermanentError,), name


@pytest.mark.parametrize(
    "refusal",
    [
        SupplyError,
        PaymentRefused,
        EnterpriseRefused,
        OnlinePaymentRefused,
        WebhookRejected,
        StatementRefused,
    ],
)
def test_domain_refusals_share_the_base_that_is_not_retried(refusal):
    assert issubclass(refusal, PermanentError)
