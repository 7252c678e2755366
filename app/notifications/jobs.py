"""Scheduled work of the notifications package."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.notifications import services
from app.scheduler.registry import register_job


def retry_failed_emails() -> str:
    sent = services.retry_failed_emails(max_attempts=5)
    return f"{sent} e-mail(s) sent"


register_job("notifications.retry_failed_emails", "app.notifications.jobs:retry_failed_emails",
             {"trigger": "interval", "minutes": 15},
             description=_l("Send again the notification e-mails that failed"))
