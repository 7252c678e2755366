"""The reporting milestones Open Contracting publishes of a contract: one per reporting period,
judged on the state of its report, which is read for a page of contracts in one statement."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from contracts.models import Contract
from contracts.submissions.models import Submission, SubmissionStatus
from contracts.submissions.schedule import all_periods, is_overdue


class ReportState(NamedTuple):
    """What a milestone reads of a period's report."""

    status: SubmissionStatus
    submitted_at: datetime | None
    first_submitted_at: datetime | None


def report_states(contract_ids: list[int]) -> dict[tuple[int, str], ReportState]:
    """The state of these contracts' reports by (contract id, period key), in one statement."""
    if not contract_ids:
        return {}
    # plain columns: a page of 50 contracts has 600 reports, and reading them as objects was a
    # fifth of an OCDS page's time
    rows = db.session.execute(sa.select(
        Submission.contract_id, Submission.period, Submission.status, Submission.submitted_at,
        Submission.first_submitted_at).where(Submission.contract_id.in_(contract_ids)))
    return {(contract_id, period): ReportState(status, submitted_at, first_submitted_at)
            for contract_id, period, status, submitted_at, first_submitted_at in rows}


def reporting_milestones(contract: Contract, today: date | None = None, *,
                         found: dict[tuple[int, str], ReportState] | None = None) -> list[dict]:
    """One OCDS milestone per reporting period: ``met`` once approved (``dateMet`` = when the
    approved version was submitted), ``notMet`` when the deadline passed with nothing
    submitted, ``scheduled`` otherwise (upcoming, or delivered and in review). ``found``: the
    reports of a batch of contracts (:func:`report_states`), read once for all."""
    today = today or clock.today()
    if found is None:
        found = report_states([contract.id])
    # translated once, not once per period: a page of 50 contracts has 600 periods
    title = _("Service report %(period)s")
    milestones = []
    for period in all_periods(contract):
        report = found.get((contract.id, period.key))
        status, date_met = "scheduled", None
        if report is not None and report.status is SubmissionStatus.APPROVED:
            status, date_met = "met", report.submitted_at
        elif is_overdue(contract, period, today) and (
                report is None or report.first_submitted_at is None):
            status = "notMet"
        milestones.append({"id": f"reporting-{period.key}",
                           "title": title % {"period": period.key},
                           "type": "reporting", "dueDate": period.deadline, "status": status,
                           "dateMet": date_met})
    return milestones
