"""Scheduled work of the evaluations feature (services in evaluations.reminders).

Each job is idempotent and commits its work; the runner records every run. Cron times are
Asia/Shanghai. The yearly campaigns run first, so that the inspections they plan for today are
reminded the same morning.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.extensions import db
from app.scheduler.registry import notices_committed, register_job
from evaluations import reminders

log = logging.getLogger(__name__)
TZ = "Asia/Shanghai"


def send_inspection_reminders() -> str:
    return notices_committed(reminders.inspection_reminders())


def send_corrective_action_reminders() -> str:
    return notices_committed(reminders.corrective_action_reminders())


def create_yearly_campaigns() -> str:
    """One commit per campaign (yearly, or moving on to the next survey window): a campaign
    that cannot be repeated (no home or contract matches any more, no inspector left...) is
    logged and skipped, and does not undo the others."""
    created, failed = [], []
    for campaign_id in reminders.campaigns_to_repeat():
        try:
            successor, _sent = reminders.repeat_campaign(campaign_id)
            created.append(successor.id)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            log.warning("Yearly campaign %s not repeated: %s %s", campaign_id, error,
                        getattr(error, "fields", ""))
            failed.append(campaign_id)
    message = f"{len(created)} campaign(s) created"
    return message + (f"; not repeated: {failed}" if failed else "")


register_job("evaluations.yearly_campaigns", "evaluations.jobs:create_yearly_campaigns",
             {"trigger": "cron", "hour": 6, "minute": 30, "timezone": TZ},
             description=_l("Create this year's copy of the yearly campaigns and the next "
                            "window's copy of the survey-window campaigns"))
register_job("evaluations.inspection_reminders", "evaluations.jobs:send_inspection_reminders",
             {"trigger": "cron", "hour": 7, "minute": 5, "timezone": TZ},
             description=_l("Remind inspectors of due and overdue inspections"))
register_job("evaluations.corrective_action_reminders",
             "evaluations.jobs:send_corrective_action_reminders",
             {"trigger": "cron", "hour": 7, "minute": 15, "timezone": TZ},
             description=_l("Remind providers of corrective actions; escalate overdue ones"))
