"""The ``count_queries`` fixture (registered for the whole suite by tests/conftest.py): how
many SQL statements a block of code sends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.extensions import db


class StatementLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{n}: {s[:200]}" for n, s in enumerate(self.statements, 1))


@pytest.fixture
def count_queries(app):
    """``with count_queries() as log: ...`` then ``len(log)``: the statements sent to the
    database inside the block (SAVEPOINTs and transaction control are not statements)."""

    @contextmanager
    def counting() -> Iterator[StatementLog]:
        log = StatementLog()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                log.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield log
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting
