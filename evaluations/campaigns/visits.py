"""The day a campaign visits each of its targets: spread evenly over the window, in order
(neighbouring homes on neighbouring days), then moved into the days the target runs."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.models import Contract, Facility


def visit_days(targets: list[Facility | Contract], start: date, end: date) -> list[date]:
    """The visit day of each of ``targets``, in their order, within ``start``..``end``."""
    return [_while_it_runs(target, day, start, end)
            for target, day in zip(targets, _spread(start, end, len(targets)), strict=True)]


def _spread(start: date, end: date, count: int) -> list[date]:
    days = (end - start).days + 1
    return [start + timedelta(days=i * days // count) for i in range(count)]


def _while_it_runs(target: Facility | Contract, day: date, start: date, end: date) -> date:
    """The spread ``day``, moved into the days the target runs within the window: not before
    a home's opening or a contract's start (a home opening on the 20th fell on the 11th,
    before it had residents), not after a contract's end (an inspection after it counts
    toward nothing)."""
    if isinstance(target, Facility):
        begins, ends = target.opened_on, None
    else:
        begins, ends = target.start_date, target.end_date
    if begins is not None and begins > day:
        day = min(begins, end)
    if ends is not None and ends < day:
        day = max(ends, start)
    return day
