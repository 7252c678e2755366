"""Requests at the same instant, as two devices or two officers send them: each is held at a
chosen step until all have reached it, so that the database (not the timing) decides; and
waiting for what another thread or process does, by polling with a deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

T = TypeVar("T")

WAIT = 30  # seconds: a generous deadline for the other request to arrive, never a sleep


def held(monkeypatch, module, name: str, parties: int = 2) -> None:
    """Make ``module.name`` wait until ``parties`` requests have reached it."""
    barrier = threading.Barrier(parties, timeout=WAIT)
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def at_once(*calls: Callable):
    """Run ``calls`` each in a thread of its own; their results, in order."""
    results: list = [None] * len(calls)

    def run(index, call):
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert all(not t.is_alive() for t in threads)
    return results


def committed_in_a_request(app, work: Callable[[], None]) -> str | None:
    """Run ``work`` and commit, in an application context (a request's session) of its own;
    what went wrong, or None."""
    from app.extensions import db

    with app.app_context():
        try:
            work()
            db.session.commit()
        except Exception as error:  # noqa: BLE001 (the caller asserts on it)
            return repr(error.__context__ or error)[:400]
    return None


def until(condition: Callable[[], T], deadline: float | None = None,
          pause: float = 0.1) -> T | None:
    """What ``condition`` returns once it is true, or None when ``deadline`` (a
    ``time.monotonic()``; ``WAIT`` from now by default) passes first."""
    deadline = time.monotonic() + WAIT if deadline is None else deadline
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(pause)
    return None


def read_then_act_at_once(app, read: Callable[[], T], *acts: Callable[[T], object]
                          ) -> list[str | None]:
    """Each of ``acts`` in a request of its own, on the row ``read()`` loads there; none acts
    before every one has read it (two officers who opened one page). What went wrong in each,
    None each that committed (:func:`committed_in_a_request`)."""
    barrier = threading.Barrier(len(acts), timeout=WAIT)

    def request(act: Callable[[T], object]) -> Callable[[], str | None]:
        def work() -> None:
            row = read()
            barrier.wait()
            act(row)

        return lambda: committed_in_a_request(app, work)

    return at_once(*(request(act) for act in acts))


def read_then_act_after(app, read: Callable[[], T], first: Callable[[T], object],
                        second: Callable[[T], object], stored: Callable[[], object]
                        ) -> list[str | None]:
    """Two requests read the row; ``first`` acts and commits, and ``second`` acts on what it
    read only once ``stored()`` (read afresh) finds the first's change: a page opened before a
    change and sent after it. What went wrong in each (:func:`read_then_act_at_once`)."""
    def after_the_first(row: T) -> None:
        assert until(stored), "the first request's change was not stored"
        second(row)

    return read_then_act_at_once(app, read, first, after_the_first)


def stored_as(model, row_id: int, status) -> Callable[[], bool]:
    """Whether row ``row_id`` of ``model`` is stored with ``status``, read on a connection of
    its own (what another request committed)."""
    from app.extensions import db

    def stored() -> bool:
        with db.engine.connect() as connection:
            return connection.scalar(sa.select(model.status).where(model.id == row_id)) == status

    return stored


def the_one_that_won(outcomes: list[str | None], refusal: str) -> int:
    """Of :func:`read_then_act_at_once`'s outcomes, the index of the only request that
    committed; every other was refused saying ``refusal``."""
    assert outcomes.count(None) == 1, outcomes
    assert all(refusal in outcome for outcome in outcomes if outcome is not None), outcomes
    return outcomes.index(None)
