"""One leader among scheduler processes.

PostgreSQL: ``pg_try_advisory_lock`` on a connection held for the life of the process; the
server frees the lock the moment that connection dies, so a standby takes over at its next try.
Elsewhere (SQLite): a row in ``scheduler_locks`` with a heartbeat; the holder refreshes it, and
another process may take it once it is older than the timeout.

``acquire`` raises when the database cannot be asked (the host retries it with a backoff) and
leaves no half-open connection behind; ``refresh`` answers False when the lock may be lost;
``release`` never raises.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from app import clock
from app.outage import first_line
from app.scheduler.models import SchedulerLock

log = logging.getLogger(__name__)

#: the advisory lock key: "CPSC" as a 32-bit integer
DEFAULT_LOCK_KEY = 0x43505343
LOCK_NAME = "scheduler"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...

    def refresh(self) -> bool: ...

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL session-level advisory lock on a dedicated connection."""

    def __init__(self, engine: sa.Engine, key: int = DEFAULT_LOCK_KEY):
        self.engine, self.key = engine, key
        self.connection: sa.Connection | None = None

    def acquire(self) -> bool:
        try:
            if self.connection is None:
                self.connection = self.engine.connect()
            got = bool(self.connection.execute(
                sa.select(sa.func.pg_try_advisory_lock(self.key))).scalar())
            self.connection.commit()  # no transaction left open; the lock belongs to the session
        except Exception:
            self._drop()  # a dead connection kept here would fail every later try
            raise
        if not got:
            self._close()
        return got

    def refresh(self) -> bool:
        """True while the connection (and so the lock) is alive."""
        if self.connection is None:
            return False
        try:
            self.connection.execute(sa.select(1))
            self.connection.commit()
            return True
        except DBAPIError as error:
            # the server ended the session, and the lock with it
            log.warning("Lost the connection holding the scheduler lock: %s", first_line(error))
            self._drop()
            return False

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(sa.select(sa.func.pg_advisory_unlock(self.key)))
            self.connection.commit()
        except DBAPIError:
            self._drop()  # the lock went with the connection
        self._close()

    def _close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.invalidate()
            self._close()


class RowLock:
    """A lock row with a heartbeat, for databases without advisory locks."""

    def __init__(self, engine: sa.Engine, holder: str, timeout: float, name: str = LOCK_NAME):
        self.engine, self.holder, self.timeout, self.name = engine, holder, timeout, name
        self.table = SchedulerLock.__table__
        self.last_ok = None

    def acquire(self) -> bool:
        now = clock.now()
        t = self.table
        try:
            with self.engine.begin() as conn:
                taken = conn.execute(
                    sa.update(t).where(t.c.name == self.name, sa.or_(
                        t.c.holder == self.holder,
                        t.c.heartbeat_at < now - timedelta(seconds=self.timeout)))
                    .values(holder=self.holder, heartbeat_at=now)).rowcount
                if not taken:
                    conn.execute(sa.insert(t).values(name=self.name, holder=self.holder,
                                                     heartbeat_at=now))
        except IntegrityError:
            return False  # someone holds a fresh lock
        self.last_ok = now
        return True

    def refresh(self) -> bool:
        now = clock.now()
        t = self.table
        try:
            with self.engine.begin() as conn:
                kept = conn.execute(
                    sa.update(t).where(t.c.name == self.name, t.c.holder == self.holder)
                    .values(heartbeat_at=now)).rowcount == 1
        except DBAPIError as error:
            # a busy database is not a lost lock, as long as the last heartbeat is fresh
            log.warning("Could not refresh the scheduler lock: %s", first_line(error))
            return self.last_ok is not None and (now - self.last_ok).total_seconds() < \
                self.timeout / 2
        if kept:
            self.last_ok = now
        return kept

    def release(self) -> None:
        t = self.table
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.delete(t).where(t.c.name == self.name,
                                                t.c.holder == self.holder))
        except DBAPIError as error:  # the row goes stale and is taken over
            log.warning("Could not release the scheduler lock: %s", first_line(error))


def make_lock(engine: sa.Engine, *, timeout: float, key: int = DEFAULT_LOCK_KEY) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, key)
    return RowLock(engine, holder_name(), timeout)
