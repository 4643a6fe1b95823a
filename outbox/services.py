from outbox.models import OutboxMessage


def outbox_record(*, topic: str, payload: dict[str, int | str]) -> OutboxMessage:
    """Record an event inside the caller's transaction; it commits or rolls back with it."""
    return OutboxMessage.objects.create(topic=topic, payload=payload)
