"""SQLite's transactions: SAVEPOINTs belong to the transaction around them, and work that must
read only after another transaction's writes takes the write lock first.

Python's ``sqlite3`` opens a transaction by itself only before an INSERT, UPDATE or DELETE. A
``SAVEPOINT`` sent first (a ``begin_nested`` block holding the transaction's first write) then
opens one of its own, and releasing that savepoint commits it: a request that rolls back later
would keep what the block wrote. Opening the transaction before the savepoint, as PostgreSQL
does, makes the rollback undo it. Reads outside a savepoint keep SQLite's usual autocommit, so
readers still take no lock between statements.

SQLite has one write lock for the whole file, where PostgreSQL has an advisory lock a key:
:func:`take_the_write_lock` is what ``app.unit_of_work.hold_key`` takes here.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so


def _begin_before_savepoint(conn: sa.engine.Connection, name: str) -> None:
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def init_app() -> None:
    if not sa.event.contains(sa.engine.Engine, "savepoint", _begin_before_savepoint):
        sa.event.listen(sa.engine.Engine, "savepoint", _begin_before_savepoint)


def take_the_write_lock(session: so.Session) -> None:
    """Until the commit: SQLite's write lock, before the transaction reads anything.

    Those autocommit reads see what is committed at each statement, and the transaction begins
    at its first write: two requests that read, then write on what they read, both read before
    either wrote. ``BEGIN IMMEDIATE`` takes the lock at once; a second transaction asking for
    it waits (the connection's busy timeout) for the first to end, then reads what it wrote. A
    transaction already open is left as it is: it holds the lock from its first write (one
    opened by a savepoint that has not written yet reads as before, unlocked).
    """
    if not session.connection().connection.dbapi_connection.in_transaction:
        session.execute(sa.text("BEGIN IMMEDIATE"))
