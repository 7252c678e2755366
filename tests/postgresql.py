"""Tests that only PostgreSQL can run: the suite's second pass sets ``TEST_DATABASE_URL``."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def postgresql_only(reason: str) -> pytest.MarkDecorator:
    """Skip on SQLite, saying why only PostgreSQL can show this."""
    return pytest.mark.skipif(not ON_POSTGRESQL, reason=reason)


def a_recount_and_an_add(app, monkeypatch, module, recount: Callable[[], object],
                         add: Callable[[], object]) -> list[str | None]:
    """The nightly ``recount`` of a module's figures and a transaction that adds to them (a
    finalization) at once: the add asks for its lock once the recount holds its own, and the
    recount goes on only when it sees the add waiting (``app.derived.recount_lock``, taken
    through ``module``). What went wrong in each; None each when both committed."""
    from app.extensions import db
    from tests.threads import WAIT, at_once, committed_in_a_request, until

    recounting, lock = threading.Event(), module.recount_lock

    def waiting_for_a_lock() -> bool:
        with db.engine.connect() as connection:
            return bool(connection.scalar(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")))

    def in_turn(name: str, *, exclusive: bool) -> None:
        if exclusive:
            lock(name, exclusive=True)
            recounting.set()
            assert until(waiting_for_a_lock), "the add did not wait for the recount"
        else:
            assert recounting.wait(WAIT)
            lock(name, exclusive=False)

    monkeypatch.setattr(module, "recount_lock", in_turn)
    try:
        return at_once(lambda: committed_in_a_request(app, recount),
                       lambda: committed_in_a_request(app, add))
    finally:
        monkeypatch.undo()

