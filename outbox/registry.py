"""Which handlers a topic has, and on which queue each runs.

Apps declare handlers in an ``outbox_handlers`` module::

    @outbox_handler("order.paid", queue="attribution")
    def order_attribute_on_payment(payload: dict) -> None: ...

A handler must be idempotent: it may run more than once for one message
(a worker killed after the work but before recording it, a relay re-send).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

NOTIFICATIONS = "notifications"
ATTRIBUTION = "attribution"


@dataclass(frozen=True)
class Handler:
    name: str
    topic: str
    queue: str
    function: Callable[[dict], None]
    atomic: bool = True


_HANDLERS: dict[str, Handler] = {}


def outbox_handler(topic: str, *, queue: str = NOTIFICATIONS, atomic: bool = True):
    """Register a handler. ``atomic=False`` for side effects outside the database
    (e-mail): such a handler keeps its own record of what it has done, so that a
    retry after a failure halfway does not repeat what already went out."""

    def register(function: Callable[[dict], None]) -> Callable[[dict], None]:
        name = f"{function.__module__}.{function.__qualname__}"
        _HANDLERS[name] = Handler(
            name=name, topic=topic, queue=queue, function=function, atomic=atomic
        )
        return function

    return register


def handlers_for(topic: str) -> list[Handler]:
    return [handler for handler in _HANDLERS.values() if handler.topic == topic]


def handler_named(name: str) -> Handler:
    return _HANDLERS[name]


def discover() -> None:
    autodiscover_modules("outbox_handlers")
