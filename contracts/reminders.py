"""Reminders of the contracts feature, sent by the scheduler's daily jobs (contracts.jobs).

Each notice names its event in a dedupe key (``submission-due:{contract}:{period}:{stage}:
{user}``...), and ``notify`` stores a key once: a second run, or a rerun after a crash midway,
notifies nobody twice. Services flush, never commit (the job commits at its end).

Deadline stages: a stage is sent on its day, or on a later run while it is still current (a
job that did not run on a day catches up), but at most :data:`CATCH_UP_DAYS` days late, so a
backlog of old, long-known lapses (a first run over imported data) floods nobody:

- ``d-3``: from 3 days before the deadline to the day before; ``d0``: the deadline day;
- ``overdue``: from the day after the deadline, for 7 days;
- ``escalated``: from 7 days after the deadline, for 7 days (to the officers of the region).

Recipients: a provider's enabled users; the enabled officers whose region contains the
object's region (its county's, its city's...); for qualifications, the city-level officers.
Each notice is written in the recipient's language (``user.locale``, default zh_CN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.notifications import kinds
from app.notifications import services as notifications
from app.regions.models import Level, Region
from app.users.models import Role, User
from contracts.models import Contract, ContractStatus, Provider
from contracts.providers import expiring_qualifications
from contracts.submissions.models import SubmissionStatus
from contracts.submissions.schedule import due_periods
from contracts.submissions.services import get_submission

#: a stage missed on its day is still sent this many days later, not after
CATCH_UP_DAYS = 7
#: reminders of a deadline start this many days before it
DUE_SOON_DAYS = 3
#: a lapse this many days old goes to the officers of the region
ESCALATION_DAYS = 7
#: contracts ending within these many days are announced, once per threshold
CONTRACT_END_THRESHOLDS = (90, 30)
QUALIFICATION_WARNING_DAYS = 60
#: the three-week survey windows (三周工作法): (month, day) of their first day; config
#: ``SURVEY_WINDOWS`` overrides
SURVEY_WINDOWS = [(1, 1), (6, 1), (11, 1)]
SURVEY_WINDOW_DAYS = 21

DONE = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


# ---- shared by the reminder services (evaluations.reminders uses them too) -----------------

def stage_of(deadline: date, today: date) -> list[str]:
    """The stages of ``deadline`` current on ``today`` (see the module docstring)."""
    late = (today - deadline).days
    stages = []
    if -DUE_SOON_DAYS <= late < 0:
        stages.append("d-3")
    if late == 0:
        stages.append("d0")
    if 1 <= late < 1 + CATCH_UP_DAYS:
        stages.append("overdue")
    if ESCALATION_DAYS <= late < ESCALATION_DAYS + CATCH_UP_DAYS:
        stages.append("escalated")
    return stages


def provider_users(provider_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.PROVIDER, User.provider_id == provider_id,
                              User.is_enabled.is_(True)).order_by(User.id)))


def officers_over(region: Region) -> list[User]:
    """Enabled officers whose region subtree contains ``region`` (its own, its county's...)."""
    ancestors = [int(part) for part in region.path.strip("/").split("/") if part]
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.OFFICER, User.is_enabled.is_(True),
                              User.region_id.in_(ancestors or [region.id])).order_by(User.id)))


def officers_at(*levels: Level) -> list[User]:
    """Enabled officers whose region is of one of ``levels``."""
    return list(db.session.scalars(
        sa.select(User).join(Region, User.region_id == Region.id)
        .where(User.role == Role.OFFICER, User.is_enabled.is_(True), Region.level.in_(levels))
        .order_by(User.id)))


def city_officers() -> list[User]:
    """Enabled officers of a root region (the city)."""
    return list(db.session.scalars(
        sa.select(User).join(Region, User.region_id == Region.id)
        .where(User.role == Role.OFFICER, User.is_enabled.is_(True),
               Region.parent_id.is_(None)).order_by(User.id)))


def link(endpoint: str, **values: Any) -> str:
    """A relative URL of this site, built without a request (jobs have none)."""
    return current_app.url_map.bind("").build(endpoint, values)


def send(users: Iterable[User], kind: str, key: str,
         text: Callable[[User], tuple[str, str]], url: str = "", obj: Any = None) -> int:
    """Notify each of ``users`` once under ``{key}:{user id}``; ``text(user)`` gives the title
    and body, built in the user's language. Returns how many notices are new."""
    sent = 0
    for user in users:
        with force_locale(user.locale or "zh_CN"):
            title, body = text(user)
        sent += notifications.notify(user, kind, title, body, url,
                                     dedupe_key=f"{key}:{user.id}", object=obj) is not None
    return sent


def region_name(region: Region, user: User) -> str:
    return region.display_name(user.locale or "zh_CN")


# ---- 1. service reports ---------------------------------------------------------------------

def _active_contracts() -> list[Contract]:
    return list(db.session.scalars(sa.select(Contract).where(
        Contract.status == ContractStatus.ACTIVE).order_by(Contract.id)))


def submission_reminders(today: date | None = None) -> int:
    """Remind the providers of the reports not yet submitted (drafts and returned reports
    count as not submitted) of their ACTIVE contracts; escalate to the region's officers."""
    today = today or clock.today()
    sent = 0
    for contract in _active_contracts():
        for period in due_periods(contract, None):
            stages = stage_of(period.deadline, today)
            if not stages:
                continue
            submission = get_submission(contract, period.key)
            if submission is not None and submission.status in DONE:
                continue
            url = link("contracts.submission_edit", contract_id=contract.id, period=period.key)
            for stage in stages:
                escalated = stage == "escalated"
                users = officers_over(contract.region) if escalated else provider_users(
                    contract.provider_id)
                kind = (kinds.SUBMISSION_DUE if stage in ("d-3", "d0")
                        else kinds.SUBMISSION_OVERDUE)

                def text(user: User, stage: str = stage, period=period,
                         contract: Contract = contract) -> tuple[str, str]:
                    values = dict(period=period.key, number=contract.number,
                                  deadline=period.deadline.isoformat(),
                                  provider=contract.provider.name,
                                  region=region_name(contract.region, user))
                    if stage == "escalated":
                        return (_("Report %(period)s of %(number)s is 7 days overdue",
                                  **values),
                                _("%(provider)s has not submitted the service report "
                                  "%(period)s of contract %(number)s (%(region)s), due on "
                                  "%(deadline)s.", **values))
                    if stage == "overdue":
                        return (_("Report %(period)s of %(number)s is overdue", **values),
                                _("The service report %(period)s of contract %(number)s was "
                                  "due on %(deadline)s. Submit it now.", **values))
                    return (_("Report %(period)s of %(number)s is due on %(deadline)s",
                              **values),
                            _("Submit the service report %(period)s of contract %(number)s by "
                              "%(deadline)s.", **values))

                key = f"submission-due:{contract.id}:{period.key}:{stage}"
                sent += send(users, kind, key, text, url, contract)
    return sent


# ---- 4. contracts ending --------------------------------------------------------------------

def contract_expiry_reminders(today: date | None = None) -> int:
    """Announce the end of ACTIVE and SUSPENDED contracts 90 and 30 days ahead, to the officers
    of the region and the provider's users (the tightest threshold reached, once each)."""
    today = today or clock.today()
    horizon = today + timedelta(days=max(CONTRACT_END_THRESHOLDS))
    contracts = db.session.scalars(sa.select(Contract).where(
        Contract.status.in_([ContractStatus.ACTIVE, ContractStatus.SUSPENDED]),
        Contract.end_date.between(today, horizon)).order_by(Contract.id))
    sent = 0
    for contract in contracts:
        days = (contract.end_date - today).days
        threshold = min(t for t in CONTRACT_END_THRESHOLDS if days <= t)
        users = officers_over(contract.region) + provider_users(contract.provider_id)

        def text(user: User, contract: Contract = contract, days: int = days
                 ) -> tuple[str, str]:
            values = dict(number=contract.number, title=contract.title, days=days,
                          end=contract.end_date.isoformat(), provider=contract.provider.name)
            return (_("Contract %(number)s ends on %(end)s", **values),
                    _("Contract %(number)s (%(title)s) with %(provider)s ends in %(days)d days, "
                      "on %(end)s. Plan its renewal or a new procurement.", **values))

        key = f"contract-expiring:{contract.id}:{contract.end_date.isoformat()}:{threshold}"
        sent += send(users, kinds.CONTRACT_EXPIRING, key, text,
                     link("contracts.contract", contract_id=contract.id), contract)
    return sent


# ---- 5. qualifications ----------------------------------------------------------------------

def qualification_expiry_reminders(today: date | None = None) -> int:
    """Qualifications ending within 60 days: to the city's officers and the provider's users."""
    today = today or clock.today()
    sent = 0
    officers = city_officers()
    for qualification in expiring_qualifications(today, QUALIFICATION_WARNING_DAYS):
        provider: Provider = qualification.provider

        def text(user: User, q=qualification, provider: Provider = provider
                 ) -> tuple[str, str]:
            values = dict(cert=q.cert_type, number=q.number, provider=provider.name,
                          end=q.valid_until.isoformat())
            return (_("Qualification of %(provider)s expires on %(end)s", **values),
                    _("%(cert)s %(number)s of %(provider)s is valid until %(end)s. Renew it in "
                      "time: a provider without a valid qualification cannot be awarded "
                      "contracts.", **values))

        key = f"qualification-expiring:{qualification.id}:{qualification.valid_until}"
        sent += send(officers + provider_users(provider.id), kinds.QUALIFICATION_EXPIRING, key,
                     text, link("contracts.provider", provider_id=provider.id), qualification)
    return sent


# ---- 7. the three-week survey windows (三周工作法) -----------------------------------------

def survey_windows(year: int) -> list[tuple[date, date]]:
    """This year's windows, (first day, last day), from config ``SURVEY_WINDOWS``."""
    windows = current_app.config.get("SURVEY_WINDOWS", SURVEY_WINDOWS)
    return [(start, start + timedelta(days=SURVEY_WINDOW_DAYS - 1))
            for start in sorted(date(year, month, day) for month, day in windows)]


def survey_window_reminders(today: date | None = None) -> int:
    """On the first day of a window (or a later day of it, if the job missed that day): remind
    the township officers (the county officers where no township has one), once per window."""
    today = today or clock.today()
    current = [(s, e) for s, e in survey_windows(today.year) if s <= today <= e]
    if not current:
        return 0
    officers = officers_at(Level.TOWNSHIP) or officers_at(Level.COUNTY)
    sent = 0
    for start, end in current:
        def text(user: User, start: date = start, end: date = end) -> tuple[str, str]:
            values = dict(start=start.isoformat(), end=end.isoformat())
            return (_("Three-week survey window: %(start)s to %(end)s", **values),
                    _("The three-week household survey window is open from %(start)s to "
                      "%(end)s. Plan the visits and record the surveys of your area within "
                      "it.", **values))

        sent += send(officers, kinds.SURVEY_WINDOW, f"survey-window:{start.isoformat()}", text,
                     link("contracts.contracts"))
    return sent
