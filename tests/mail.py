"""A real SMTP server on loopback (aiosmtpd) for tests that check what mail went out."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.policy import default as default_policy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]


class SmtpServer:
    """``smtputf8=False``: a server that takes only ASCII addresses (no SMTPUTF8), as many
    do (aiosmtpd's controller offers it by default)."""

    def __init__(self, port: int, *, smtputf8: bool = True):
        self.port, self.inbox, self.controller = port, Inbox(), None
        self.smtputf8 = smtputf8

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
