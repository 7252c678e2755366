"""Which contracts are asked for their reports: the ACTIVE ones, and those completed or
terminated lately, whose last periods' reports fall due after they closed and count in their
timeliness. One rule for the reminders, the provider's reports and the officers' overdue list."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.notifications.reminders import CATCH_UP_DAYS, ESCALATION_DAYS
from contracts.models import Contract, ContractStatus

#: a closed contract's last reports fall due after it closed: a quarter, then at most 90 days
#: (``report_due_days``), then the last reminder's days (escalated, then caught up)
CLOSED_REPORTING = timedelta(days=92 + 90 + ESCALATION_DAYS + CATCH_UP_DAYS)


def reporting_clause(today: date) -> sa.ColumnElement[bool]:
    """The contracts asked for their reports on ``today``, as a condition of a select."""
    since = today - CLOSED_REPORTING
    return sa.or_(Contract.status == ContractStatus.ACTIVE,
                  sa.and_(Contract.status == ContractStatus.COMPLETED, Contract.end_date >= since),
                  sa.and_(Contract.status == ContractStatus.TERMINATED,
                          Contract.terminated_on >= since))


def asks_for_reports(contract: Contract, today: date) -> bool:
    """Whether ``contract`` is asked for its reports on ``today`` (:func:`reporting_clause`
    of one contract already loaded)."""
    since = today - CLOSED_REPORTING
    return (contract.status is ContractStatus.ACTIVE
            or (contract.status is ContractStatus.COMPLETED and contract.end_date >= since)
            or (contract.status is ContractStatus.TERMINATED
                and contract.terminated_on is not None and contract.terminated_on >= since))
