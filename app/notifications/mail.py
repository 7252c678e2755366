"""E-mail for notices, through the standard library's SMTP client.

Delivery runs after the commit that stored the notices (see ``services.notify``) or from the
retry job, in its own short transactions, so a slow or dead mail server never breaks, nor
rolls back, the work that produced the notice. Each try first claims the row by bumping
``email_attempts`` from the value it read: two senders racing for one notice send it once.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
import sqlalchemy.orm as so
from email_validator import EmailNotValidError, validate_email
from flask import current_app

from app import clock
from app.extensions import db
from app.notifications.models import Notification, of_present_post
from app.users.models import User

log = logging.getLogger(__name__)


def absolute_link(link: str) -> str:
    if not link:
        return ""
    return current_app.config.get("BASE_URL", "").rstrip("/") + link


def one_line(text: str) -> str:
    """``text`` fit for a header: the forms refuse control characters, not every line break
    (U+2028 pasted from a word processor, U+0085), and a header holding one raised."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def smtp_address(address: str) -> str:
    """``address`` as every mail server takes it: a domain written in Chinese (IDN) spelled
    in ASCII (``xn--…``), which needs no SMTPUTF8. A local part in Chinese has no such
    spelling: it stays, for a server that offers SMTPUTF8."""
    try:
        return validate_email(address, check_deliverability=False).ascii_email or address
    except EmailNotValidError:
        return address


def build_message(notification: Notification, recipient: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = one_line(notification.title)
    message["From"] = current_app.config.get("MAIL_SENDER", "careprocure@localhost")
    message["To"] = smtp_address(recipient)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="careprocure")
    text = notification.body or notification.title
    link = absolute_link(notification.link)
    if link:
        text = f"{text}\n\n{link}\n"
    message.set_content(text, charset="utf-8")
    return message


class _Connection:
    """One SMTP connection for a batch, opened on first use."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            config = current_app.config
            self.smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)),
                                     timeout=float(config.get("MAIL_TIMEOUT", 10)))
        self.smtp.send_message(message)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def deliver(ids: Iterable[int], max_attempts: int | None = None) -> int:
    """Send the e-mail of these notices that still need one; return how many were accepted.

    Never raises: failures are logged and stored on the row for the retry job.
    """
    ids = list(ids)
    if not ids or not mail_enabled():
        return 0
    sent = 0
    connection = _Connection()
    try:
        with so.Session(db.engine) as session:
            for notification_id in ids:
                sent += _deliver_one(session, connection, notification_id, max_attempts)
    except Exception:  # a broken database must not break the caller's commit either
        log.exception("E-mail delivery stopped early")
    finally:
        connection.close()
    return sent


def _deliver_one(session: so.Session, connection: _Connection, notification_id: int,
                 max_attempts: int | None) -> int:
    row = session.execute(
        sa.select(Notification, User.email).join(User, User.id == Notification.user_id)
        # an account disabled since the notice was made gets no more mail (a staff member
        # who left the provider must not receive its contract's details)
        .where(Notification.id == notification_id, User.is_enabled.is_(True),
               of_present_post(User.post_since))).first()
    if row is None:
        return 0
    notification, recipient = row
    if (notification.emailed_at is not None or not notification.wants_email or not recipient
            or (max_attempts is not None and notification.email_attempts >= max_attempts)):
        return 0
    claimed = session.execute(
        sa.update(Notification)
        .where(Notification.id == notification_id, Notification.emailed_at.is_(None),
               Notification.email_attempts == notification.email_attempts)
        .values(email_attempts=Notification.email_attempts + 1))
    session.commit()
    if claimed.rowcount != 1:
        return 0  # another sender took it
    try:
        connection.send(build_message(notification, recipient))
    except (smtplib.SMTPException, OSError) as error:
        connection.close()
        log.warning("E-mail of notification %s to %s failed: %s", notification_id, recipient,
                    error)
        session.execute(sa.update(Notification).where(Notification.id == notification_id)
                        .values(email_error=f"{type(error).__name__}: {error}"[:500]))
        session.commit()
        return 0
    session.execute(sa.update(Notification).where(Notification.id == notification_id)
                    .values(emailed_at=clock.now(), email_error=None))
    session.commit()
    return 1
