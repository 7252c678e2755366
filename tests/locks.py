"""Whether a statement of this test's database waits for a lock, on either database: a test
holds one request and releases it once another waits behind it, never after a fixed time."""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlalchemy as sa

#: the threads whose write has not returned. SQLite shows no sign of a connection waiting for
#: its write lock (``app.sqlite.take_the_write_lock``, a claim's UPDATE, any write) but that
#: its statement has not returned; so ask only once the request holding the lock is paused,
#: or its own write may be seen
_writing: set[int] = set()
_WRITES = ("BEGIN IMMEDIATE", "INSERT", "UPDATE", "DELETE")


def _began(conn, cursor, statement, *args) -> None:
    if statement.lstrip()[:15].upper().startswith(_WRITES):  # every statement of the suite
        _writing.add(threading.get_ident())


def _returned(*args) -> None:
    _writing.discard(threading.get_ident())


for _event, _listener in (("before_cursor_execute", _began), ("after_cursor_execute", _returned),
                          ("handle_error", _returned)):
    if not sa.event.contains(sa.engine.Engine, _event, _listener):
        sa.event.listen(sa.engine.Engine, _event, _listener)


def a_statement_waits_for_a_lock(app) -> bool:
    """Whether a statement of this test's database waits for a lock: on PostgreSQL a row or an
    advisory key, on SQLite the write lock (a write that has not returned)."""
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            return bool(_writing)
        with db.engine.connect() as connection:
            return bool(connection.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'")))


def first_held_while_the_second_waits(app, first: Callable[[], object],
                                      second: Callable[[], object]) -> list[str | None]:
    """``first`` in a request of its own does its work and holds it uncommitted until
    ``second``, in a request begun after that work, waits for a lock behind it; then both
    commit as they can. What went wrong in each, None for each that committed."""
    from tests.threads import WAIT

    done, go_on = threading.Event(), threading.Event()

    def held() -> None:
        first()
        done.set()
        assert go_on.wait(WAIT), "the second request did not wait for the first"

    return _the_second_waits_behind(app, held, second, done, go_on)


def held_inside_while_the_second_waits(app, monkeypatch, module, name: str,
                                       first: Callable[[], object],
                                       second: Callable[[], object]) -> list[str | None]:
    """As :func:`first_held_while_the_second_waits`, with ``first`` held inside its request
    where ``module.name`` returns the first time (its commit, say, part done) rather than
    after its work."""
    from tests.threads import WAIT

    reached, go_on = threading.Event(), threading.Event()
    original = getattr(module, name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        if not reached.is_set():
            reached.set()
            assert go_on.wait(WAIT), f"the second request did not wait behind {name}"
        return result

    monkeypatch.setattr(module, name, paused)
    return _the_second_waits_behind(app, first, second, reached, go_on)


def _the_second_waits_behind(app, first, second, reached: threading.Event,
                             go_on: threading.Event) -> list[str | None]:
    from tests.threads import WAIT, at_once, committed_in_a_request, until

    def after() -> None:
        assert reached.wait(WAIT)
        second()

    def release() -> None:
        if reached.wait(WAIT) and until(lambda: a_statement_waits_for_a_lock(app)):
            go_on.set()

    return at_once(lambda: committed_in_a_request(app, first),
                   lambda: committed_in_a_request(app, after), release)[:2]
