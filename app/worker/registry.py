"""The kinds of queued work, declared by the packages that own them, at import::

    register_task("reports.campaign_scorecards", build_batch, fail=batch_failed)

``run(work)`` does the task for the row ``work.ref_id``. It may commit its progress as it goes
(calling ``work.confirm()`` before each commit, so that a worker whose task was taken over
never commits again), must leave its last step uncommitted (the worker commits it together
with the task's end), and must be idempotent: after an interruption it runs again from the
start of what is not yet done. ``fail(ref_id, message)`` records a failure on the row (flush
only). Both run in an app context of the worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TaskKind:
    key: str
    run: Callable[[Any], str | None]
    fail: Callable[[int, str], None] | None = None


_kinds: dict[str, TaskKind] = {}


def register_task(key: str, run: Callable[[Any], str | None], *,
                  fail: Callable[[int, str], None] | None = None) -> TaskKind:
    kind = TaskKind(key, run, fail)
    _kinds[key] = kind
    return kind


def get_kind(key: str) -> TaskKind | None:
    return _kinds.get(key)


def registered_kinds() -> list[TaskKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.key)
