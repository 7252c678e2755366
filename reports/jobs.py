"""Scheduled work of the reports feature: the nightly refresh of the performance figures
(timeliness and which periods have begun change with the day, not only with the data), of
the counts of items scored short, of the sums behind the scorecards' city means and of the
inspections the plan keeps per target; the removal of old workbooks exported in the
background; and the reminders of the appeals to answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.scheduler.registry import notices_committed, register_job
from reports.appeals.reminders import appeal_reminders
from reports.dashboards import failures
from reports.exports import queued
from reports.performance import figures
from reports.planning import kept
from reports.scorecards import means


def refresh_performance() -> str:
    written = figures.refresh_all()
    failures.refresh_all()
    means.refresh_all()
    kept.refresh_all()
    db.session.commit()
    return f"{written} performance figures"


register_job("reports.refresh_performance", "reports.jobs:refresh_performance",
             {"trigger": "cron", "hour": 1, "minute": 30, "timezone": "Asia/Shanghai"},
             description=_l("Recompute contract performance for the dashboards"))


def remove_old_exports() -> str:
    removed = queued.remove_old_exports()
    db.session.commit()
    return f"{removed} old export(s) removed"


register_job("reports.remove_old_exports", "reports.jobs:remove_old_exports",
             {"trigger": "cron", "hour": 2, "minute": 10, "timezone": "Asia/Shanghai"},
             description=_l("Remove Excel exports built in the background after their days"))


def send_appeal_reminders() -> str:
    return notices_committed(appeal_reminders())


register_job("reports.appeal_reminders", "reports.jobs:send_appeal_reminders",
             {"trigger": "cron", "hour": 7, "minute": 35, "timezone": "Asia/Shanghai"},
             description=_l("Remind officers of the appeals to answer by their day"))
