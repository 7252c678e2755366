"""SAVEPOINTs on SQLite belong to the transaction around them.

Python's ``sqlite3`` opens a transaction by itself only before an INSERT, UPDATE or DELETE. A
``SAVEPOINT`` sent first (a ``begin_nested`` block holding the transaction's first write) then
opens one of its own, and releasing that savepoint commits it: a request that rolls back later
would keep what the block wrote. Opening the transaction before the savepoint, as PostgreSQL
does, makes the rollback undo it. Reads outside a savepoint keep SQLite's usual autocommit, so
readers still take no lock between statements.
"""

from __future__ import annotations

import sqlalchemy as sa


def _begin_before_savepoint(conn: sa.engine.Connection, name: str) -> None:
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def init_app() -> None:
    if not sa.event.contains(sa.engine.Engine, "savepoint", _begin_before_savepoint):
        sa.event.listen(sa.engine.Engine, "savepoint", _begin_before_savepoint)
