"""Reminders of the service reports (服务报告) due, sent by the scheduler's daily job
(``contracts.jobs:send_submission_reminders``).

A report not yet submitted (a draft or a returned report counts as not submitted) of an ACTIVE
contract, or owed by one completed or terminated (the last periods' reports fall due after
it closed, and count in its timeliness), is reminded to the provider's users three days
before its deadline and on the day, then as overdue; seven days late it is escalated to the
officers over the contract's region. A report falling due while the contract was suspended
is not reminded, even once it has resumed: it was not asked for, and timeliness leaves it out.
Stages and sending once per event: :mod:`app.notifications.reminders`.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.notifications import kinds
from app.notifications.models import Notification
from app.notifications.reminders import (
    link,
    officers_over,
    provider_users,
    region_name,
    send,
    stage_begins,
    stage_of,
)
from app.users.models import User
from contracts.models import Contract
from contracts.submissions.asked import reporting_clause
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.submissions.schedule import due_periods, suspended_on
from contracts.submissions.services import get_submission

DONE = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


def _reporting_contracts(today: date) -> list[Contract]:
    """ACTIVE contracts, and those completed or terminated lately: their last reports are
    owed (and counted in their timeliness) after they closed."""
    return list(db.session.scalars(sa.select(Contract).where(reporting_clause(today))
                                   .order_by(Contract.id)))


def submission_reminders(today: date | None = None) -> int:
    """Remind the providers of the reports not yet submitted (drafts and returned reports
    count as not submitted) of their ACTIVE contracts, and the last ones of contracts lately
    completed or terminated; escalate to the region's officers."""
    today = today or clock.today()
    sent = 0
    for contract in _reporting_contracts(today):
        for period in due_periods(contract, None):
            stages = stage_of(period.deadline, today)
            # falling due while the contract was suspended, it was not asked for: resumed,
            # the contract is not told (nor its officers) that it is late
            if not stages or suspended_on(contract, period.deadline):
                continue
            submission = get_submission(contract, period.key)
            if submission is not None and submission.status in DONE:
                continue
            returned = submission is not None and submission.status is SubmissionStatus.RETURNED
            for stage in stages:
                escalated = stage == "escalated"
                users = officers_over(contract.region) if escalated else provider_users(
                    contract.provider_id)
                url = _link_for(escalated, contract, period.key,
                                submission if returned else None)
                kind = (kinds.SUBMISSION_DUE if stage in ("d-3", "d0")
                        else kinds.SUBMISSION_OVERDUE)

                def text(user: User, stage: str = stage, period=period,
                         contract: Contract = contract, returned: bool = returned
                         ) -> tuple[str, str]:
                    values = dict(period=period.key, number=contract.number,
                                  deadline=period.deadline.isoformat(),
                                  provider=contract.provider.name,
                                  region=region_name(contract.region, user))
                    if stage == "escalated" and returned:
                        # sent, then returned for correction: "has not submitted" told the
                        # officers something else than their own review queue had
                        return (_("Report %(period)s of %(number)s, returned for correction, "
                                  "is not resubmitted", **values),
                                _("%(provider)s has not resubmitted the service report "
                                  "%(period)s of contract %(number)s (%(region)s), returned "
                                  "for correction; it was due on %(deadline)s.", **values))
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

                # the deadline in the key: a contract extended (its last period's deadline
                # later) is reminded of the new deadline, not only of the one it replaced
                key = f"submission-due:{contract.id}:{period.key}:{stage}"
                told = _told_under_the_old_key(key, users, period.deadline, stage)
                sent += send([user for user in users if user.id not in told], kind,
                             f"{key}:{period.deadline.isoformat()}", text, url, contract)
    return sent


def _link_for(escalated: bool, contract: Contract, period: str,
              returned: Submission | None) -> str:
    """Where the notice leads its reader: the provider to the page that writes the report;
    the officers, who may not open that page (403), to the report returned for correction
    they reviewed, else to the contract."""
    if not escalated:
        return link("contracts.submission_edit", contract_id=contract.id, period=period)
    if returned is not None:
        return link("contracts.submission", submission_id=returned.id)
    return link("contracts.contract", contract_id=contract.id)


def _told_under_the_old_key(key: str, users: list[User], deadline: date,
                            stage: str) -> set[int]:
    """The ids of ``users`` told of this stage under the key without the deadline (notices
    sent before it was added, December 2026) since the stage's first day: the upgrade tells
    nobody twice. An older notice was of an earlier deadline."""
    first_day = datetime.combine(stage_begins(deadline, stage), time.min, clock.LOCAL_TZ)
    keys = {f"{key}:{user.id}": user.id for user in users}
    return {keys[found] for found in db.session.scalars(
        sa.select(Notification.dedupe_key).where(Notification.dedupe_key.in_(list(keys)),
                                                  Notification.created_at >= first_day))}
