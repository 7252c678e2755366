"""Figures derived from rows, kept current in the transaction that changes the rows.

A feature says what a flush made stale (``marks``: any hashable values) and how to refresh
them. The marks gather in the session over the transaction's flushes and are refreshed once,
just before the commit, so that the figures commit (or roll back) with the rows they come
from. Only ``db.session`` refreshes: another session's changes (a connection of its own, as
the scheduler's lock) wait for the feature's nightly refresh. A rollback of the transaction
forgets the marks; a savepoint rolled back in it does not (a refresh reads the database, where
the savepoint's changes are undone, and the marks of before the savepoint still count).

A feature whose refresh adds to its figures (rather than recomputing them) and whose nightly
job recomputes them all takes :func:`recount_lock`: a transaction adding while the recount
reads would otherwise be counted twice, lost, or fail the recount with a duplicate key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.unit_of_work import advisory_key, hold_keys

Marks = set[Hashable]
_registered: set[str] = set()

#: the first key of the app's advisory locks of derived figures: "CPDR" as a 32-bit integer
_LOCK_SPACE = int.from_bytes(b"CPDR", "big")


def recount_lock(name: str, *, exclusive: bool) -> None:
    """Until the commit, on PostgreSQL: the recount of the figures ``name`` alone
    (``exclusive``), or any number of transactions adding to them. SQLite lets one transaction
    write at a time: nothing to take there."""
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        return
    lock = sa.func.pg_advisory_xact_lock if exclusive else sa.func.pg_advisory_xact_lock_shared
    session.execute(sa.select(lock(_LOCK_SPACE, advisory_key(name))))


def refresh_lock(name: str, keys: list[str]) -> None:
    """Until the commit: the only transaction recomputing ``keys`` of the figures ``name``
    (give them sorted: two transactions then lock them alike; :func:`app.unit_of_work.hold_keys`).
    A recomputation that deletes a key's rows and inserts them anew would otherwise leave behind
    the rows another transaction inserted while its delete waited; after this lock its
    statements see them."""
    hold_keys(name, keys)


def changed(obj: object, *names: str) -> bool:
    """Whether the pending flush changes any of the attributes ``names`` of ``obj``."""
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def touched(session: so.Session, obj: object, *names: str) -> bool:
    """Whether the pending flush adds or deletes ``obj``, or changes any of ``names`` of it:
    what a ``stale`` function of :func:`keep_current` asks of each row it may mark."""
    return obj in session.new or obj in session.deleted or changed(obj, *names)


def _is_the_app_session(session: so.Session) -> bool:
    try:
        return session is db.session()
    except RuntimeError:  # outside an application context
        return False


def keep_current(name: str, stale: Callable[[so.Session], Marks],
                 refresh: Callable[[Marks], None]) -> None:
    """Register, once per ``name``, the session hooks that keep a feature's figures current."""
    if name in _registered:
        return
    _registered.add(name)
    key = f"careprocure.stale.{name}"

    def note(session: so.Session, _flush_context) -> None:
        marks = stale(session)
        if marks:
            session.info.setdefault(key, set()).update(marks)

    def refresh_before_commit(session: so.Session) -> None:
        if not _is_the_app_session(session):
            session.info.pop(key, None)
            return
        for _round in range(3):  # what a refresh flushes could mark more (none does today)
            marks = session.info.pop(key, None)
            if not marks:
                return
            session.flush()
            refresh(marks)
            session.flush()

    def forget(session: so.Session, transaction: so.SessionTransaction) -> None:
        # only with the transaction: a savepoint rolled back keeps what was marked before it
        # (a refresh reads the database, where the savepoint's changes are undone)
        if transaction.parent is None:
            session.info.pop(key, None)

    sa.event.listen(so.Session, "after_flush", note)
    sa.event.listen(so.Session, "before_commit", refresh_before_commit)
    sa.event.listen(so.Session, "after_transaction_end", forget)
