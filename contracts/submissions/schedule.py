"""The reporting schedule of a contract: its periods and their deadlines (pure functions).

A monthly contract reports per calendar month (key ``"2026-10"``), a quarterly one per calendar
quarter (``"2026-Q4"``). A period is clipped to the contract: a contract running 2026-01-15 →
2026-12-20 has a first period 2026-01-15 → 01-31 and a last one 12-01 → 12-20. A report is due
once its period has ended; its deadline is the period's (clipped) end + ``report_due_days``.
Deadlines are calendar days of the bureau (Asia/Shanghai): a report submitted ON the deadline
day is on time, one submitted the day after is late.

The contract's life moves the schedule (:func:`reporting_days`): a contract activated after
its term began (backdated) took no report while it was a draft, so no deadline falls before
its activation day + ``report_due_days``; a terminated contract owes no report for a period
that had not begun by its termination day; a report falling due while it was suspended
was not asked for, and its timeliness leaves it out (:func:`suspended_on`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app import clock

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_UNSET = object()


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date
    deadline: date

    def is_overdue(self, today: date) -> bool:
        return today > self.deadline


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _span(key: str) -> tuple[date, date] | None:
    """The calendar span of a period key, ``None`` if the key is not one (year 0 is none)."""
    try:
        if match := _MONTH.match(key):
            year, month = int(match[1]), int(match[2])
            return date(year, month, 1), _month_end(year, month)
        if match := _QUARTER.match(key):
            year, quarter = int(match[1]), int(match[2])
            return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    except ValueError:
        return None
    return None


def _key_of(day: date, quarterly: bool) -> str:
    if quarterly:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _is_quarterly(contract) -> bool:
    return str(contract.reporting) == "quarterly"


def normalize_key(key: str) -> str:
    return (key or "").strip().upper()


def reporting_days(contract) -> tuple[date | None, date | None]:
    """The bureau's days the contract first became active and was terminated, ``None`` for
    what has not happened (a contract's columns, or a row of them that carries them)."""
    return getattr(contract, "activated_on", None), getattr(contract, "terminated_on", None)


def suspended_on(contract, day: date) -> bool:
    """Whether the contract was suspended on ``day`` (the day it resumed included: a report
    due that day was not asked for before it), from its kept spans (a contract, or a row of
    its columns that carries them)."""
    for first, resumed in getattr(contract, "suspensions", None) or ():
        if date.fromisoformat(first) <= day and (resumed is None
                                                 or day <= date.fromisoformat(resumed)):
            return True
    return False


def _terms(contract) -> tuple[date, date, bool, int, date | None]:
    """What the schedule depends on, as the cache's key."""
    due_days = contract.report_due_days if contract.report_due_days is not None else 10
    activated, _terminated = reporting_days(contract)
    # activated by the start, no deadline moves: those contracts share one cached schedule
    earliest = (activated + timedelta(days=due_days)
                if activated is not None and activated > contract.start_date else None)
    return contract.start_date, contract.end_date, _is_quarterly(contract), due_days, earliest


def _begun_by_termination(contract, periods: tuple[Period, ...]) -> tuple[Period, ...]:
    terminated = reporting_days(contract)[1]
    if terminated is None:
        return periods
    return tuple(p for p in periods if p.start <= terminated)


def all_periods(contract) -> list[Period]:
    """Every reporting period of the contract, from its start to its end (or the last begun
    by its termination), in order."""
    return list(_begun_by_termination(contract, _schedule(*_terms(contract))))


def terminated_before(contract, key: str) -> date | None:
    """The termination day, when the contract's period ``key`` began after it."""
    terminated = reporting_days(contract)[1]
    span = _span(normalize_key(key))
    if terminated is None or span is None:
        return None
    start = max(span[0], contract.start_date)
    return terminated if terminated < start <= contract.end_date else None


# Most contracts of a city share their terms (a calendar year, monthly reports, 10 days): the
# dashboards work out a thousand schedules per page, so each distinct one is worked out once.
@functools.lru_cache(maxsize=4096)
def _schedule(first: date, last: date, quarterly: bool, due_days: int,
              earliest: date | None = None) -> tuple[Period, ...]:
    """``earliest``: the first deadline the contract's activation allows, if any."""
    periods, day = [], first
    while day <= last:
        key = _key_of(day, quarterly)
        start, end = _span(key)
        start, end = max(start, first), min(end, last)
        deadline = end + timedelta(days=due_days)
        periods.append(Period(key, start, end,
                              deadline if earliest is None else max(deadline, earliest)))
        day = end + timedelta(days=1)
    return tuple(periods)


def due_periods(contract, until: date | None | object = _UNSET) -> list[Period]:
    """The periods whose report is due by ``until`` (default today): those that have ended.

    ``until=None`` gives the whole schedule, future periods included.
    """
    periods = all_periods(contract)
    if until is None:
        return periods
    until = clock.today() if until is _UNSET else until
    return [p for p in periods if p.end <= until]


def is_overdue(contract, period: Period, today: date) -> bool:
    """Whether ``period``'s report is late on ``today``: its deadline passed, and fell while
    the contract was asked for reports (not suspended: :func:`suspended_on`)."""
    return period.is_overdue(today) and not suspended_on(contract, period.deadline)


def overdue_periods(contract, today: date) -> tuple[Period, ...]:
    """The periods whose report is late by ``today`` (:func:`is_overdue`), oldest first."""
    return tuple(p for p in _begun_by_termination(contract, _overdue(*_terms(contract), today))
                 if not suspended_on(contract, p.deadline))


@functools.lru_cache(maxsize=4096)
def _overdue(first: date, last: date, quarterly: bool, due_days: int, earliest: date | None,
             today: date) -> tuple[Period, ...]:
    return tuple(p for p in _schedule(first, last, quarterly, due_days, earliest)
                 if p.is_overdue(today))


def period_of(contract, key: str) -> Period | None:
    """The contract's period named ``key``, ``None`` if it has none of that name."""
    key = normalize_key(key)
    if _span(key) is None:
        return None
    return next((p for p in all_periods(contract) if p.key == key), None)


def is_late(deadline: date, at: datetime) -> bool:
    """Submitted at ``at`` (aware) after the deadline day, in the bureau's calendar."""
    return at.astimezone(clock.LOCAL_TZ).date() > deadline


def is_valid_key(key: str) -> bool:
    return _span(normalize_key(key)) is not None
