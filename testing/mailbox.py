"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps and counts what it receives."""

import threading
from collections import Counter
from email import message_from_bytes, policy

from testing.ports import free_port


class Mailbox:
    def __init__(self, port: int | None = None, *, keep_messages: bool = True):
        self.port = port or free_port()
        self.keep_messages = keep_messages
        self.messages: list = []
        self.received: Counter[str] = Counter()
        self.total = 0
        self._lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        message = (
            message_from_bytes(envelope.content, policy=policy.default)
            if self.keep_messages
            else None
        )
        with self._lock:
            self.total += 1
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt.lower()] += 1
            if message is not None:
                self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def start(self) -> "Mailbox":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.messages if address in rcpt]

    def subjects_to(self, address: str) -> list[str]:
        return [str(message["Subject"]) for message in self.to(address)]
