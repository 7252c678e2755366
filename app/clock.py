"""The application's clock, injectable so that deadline logic is tested across boundaries.

Everything that asks "what time is it" calls :func:`now` or :func:`today`; tests replace the
clock with :func:`set_clock` (or travel with time-machine).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Aware UTC datetime."""
    return _clock()


def today() -> date:
    """The bureau's calendar day (deadlines are local days, not UTC days)."""
    return _clock().astimezone(LOCAL_TZ).date()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock; ``None`` restores the real one."""
    global _clock
    _clock = clock or (lambda: datetime.now(UTC))
