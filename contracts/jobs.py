"""Scheduled work of the contracts feature: the daily reminders of contracts ending,
qualifications expiring, service reports due and the household survey windows, and the nightly
refresh of the household records' anomaly flags.

Each job is idempotent (one notice per dedupe key) and commits at its end; the runner records
every run. Cron times are Asia/Shanghai.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.scheduler.registry import notices_committed, register_job
from contracts import reminders
from contracts.households import flags
from contracts.households import reminders as household_reminders
from contracts.submissions import reminders as submission_reminders

TZ = "Asia/Shanghai"


def send_submission_reminders() -> str:
    return notices_committed(submission_reminders.submission_reminders())


def send_contract_expiry_reminders() -> str:
    return notices_committed(reminders.contract_expiry_reminders())


def send_qualification_expiry_reminders() -> str:
    return notices_committed(reminders.qualification_expiry_reminders())


def send_survey_window_reminders() -> str:
    return notices_committed(household_reminders.survey_window_reminders())


def refresh_household_flags() -> str:
    count = flags.refresh_all()
    db.session.commit()
    return f"{count} flags"


register_job("contracts.submission_reminders", "contracts.jobs:send_submission_reminders",
             {"trigger": "cron", "hour": 7, "minute": 0, "timezone": TZ},
             description=_l("Remind providers of due and overdue service reports"))
register_job("contracts.contract_expiry_reminders",
             "contracts.jobs:send_contract_expiry_reminders",
             {"trigger": "cron", "hour": 7, "minute": 10, "timezone": TZ},
             description=_l("Announce contracts ending within 90 and 30 days"))
register_job("contracts.qualification_expiry_reminders",
             "contracts.jobs:send_qualification_expiry_reminders",
             {"trigger": "cron", "hour": 7, "minute": 20, "timezone": TZ},
             description=_l("Warn of provider qualifications expiring within 60 days"))
register_job("contracts.survey_window_reminders", "contracts.jobs:send_survey_window_reminders",
             {"trigger": "cron", "hour": 7, "minute": 30, "timezone": TZ},
             description=_l("Remind township officers of the three-week survey windows"))
register_job("contracts.refresh_household_flags", "contracts.jobs:refresh_household_flags",
             {"trigger": "cron", "hour": 1, "minute": 15, "timezone": TZ},
             description=_l("Recompute the anomaly flags of the household records"))
