"""Waiting out a database outage in a background process (the scheduler, the worker).

A loop that must never die of an outage runs each step through :meth:`Backoff.attempt`: an
error that means the database is unavailable (see :func:`app.outage.is_unavailable`) is logged
(the outage once, then one short line per try), and the loop waits, longer after each failed
try up to a ceiling, for as long as the outage lasts, unless the process is told to stop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

import click

from app.outage import first_line, is_unavailable, state

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_DELAY = 0.5
MAX_DELAY = 30.0

#: the command line's seconds of a wait or a beat: none or a negative one spun a hot loop on
#: the database
SECONDS = click.FloatRange(min=0, min_open=True)


def check_silence(heartbeat: float, silence: float, option: str) -> None:
    """Refuse (a usage error of ``option``) a silence after which another process takes over
    that is not more than two heartbeats: one missed beat (a failed beat is tried at the next)
    would hand a scheduler's lock to a standby while the leader still runs its jobs, or a
    running task to a second worker."""
    if silence <= 2 * heartbeat:
        raise click.UsageError(f"{option} ({silence:g} s) must be more than twice "
                               f"--heartbeat ({heartbeat:g} s).")


class Stopped(Exception):  # noqa: N818 - an outcome: the process was told to stop
    """Raised instead of a result when the process was told to stop while waiting."""


class Backoff:
    """Delays from ``first`` doubling to ``most`` seconds; back to ``first`` after a success."""

    def __init__(self, stop: threading.Event, *, first: float = FIRST_DELAY,
                 most: float = MAX_DELAY, what: str = "this process"):
        self.stop, self.first, self.most, self.what = stop, first, most, what
        self.delay = first
        self.failures = 0

    def succeeded(self) -> None:
        self.delay, self.failures = self.first, 0
        state.succeeded()

    def wait(self, error: BaseException) -> None:
        """After a failed try: log it, wait (or raise :class:`Stopped`), lengthen the delay."""
        self.failures += 1
        if is_unavailable(error):
            state.failed(error, self.what)
            log.info("Database still unavailable for %s (try %d: %s); next try in %.1f s",
                     self.what, self.failures, first_line(error), self.delay)
        else:
            log.error("%s failed (try %d); next try in %.1f s", self.what, self.failures,
                      self.delay, exc_info=error)
        if self.stop.wait(self.delay):
            raise Stopped
        self.delay = min(self.delay * 2, self.most)

    def attempt(self, call: Callable[[], T]) -> T:
        """``call()`` until it returns; every exception counts as a failed try."""
        while True:
            if self.stop.is_set():
                raise Stopped
            try:
                result = call()
            except Exception as error:  # noqa: BLE001 - a background loop outlives any error
                self.wait(error)
                continue
            self.succeeded()
            return result
