"""Scheduled work of the planning feature: the last-quarter coverage reminder (idempotent)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.scheduler.registry import notices_committed, register_job
from reports.planning import reminders


def send_coverage_reminders() -> str:
    return notices_committed(reminders.coverage_reminders())


register_job("reports.coverage_reminders", "reports.planning.jobs:send_coverage_reminders",
             {"trigger": "cron", "hour": 7, "minute": 25, "timezone": "Asia/Shanghai"},
             description=_l("In the last quarter, tell county officers which homes are not yet "
                            "inspected on site this year"))
