"""The jobs the scheduler runs, declared in code by the packages that own them.

A feature adds a job in its ``jobs.py``, at import (the composition root imports it)::

    register_job("contracts.submission_reminders", "contracts.jobs:send_submission_reminders",
                 {"trigger": "cron", "hour": 6}, description=_l("Remind providers of due reports"))

The function is module level, takes no argument, uses ``app.clock`` for time, may return a
short message for the run record, raises :class:`JobSkipped` to record a skipped run, and
commits its own work (the runner rolls back on an exception).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from app.extensions import db

TRIGGERS = frozenset({"cron", "interval", "date"})


class JobSkipped(Exception):  # noqa: N818 - an outcome, not an error
    """Raised by a job that decides there is nothing to do; recorded as ``skipped``."""


@dataclass(frozen=True)
class JobSpec:
    id: str
    func_path: str
    trigger: dict[str, Any] = field(hash=False)
    description: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes when the function or the trigger changes (then the stored job is replaced)."""
        text = json.dumps([self.func_path, self.trigger], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def trigger_text(self) -> str:
        args = " ".join(f"{k}={v}" for k, v in self.trigger.items() if k != "trigger")
        return f"{self.trigger['trigger']} {args}".strip()


_jobs: dict[str, JobSpec] = {}


def register_job(job_id: str, func_path: str, trigger: dict[str, Any], *,
                 description: str = "") -> JobSpec:
    """Declare (or redeclare) a job with a fixed id."""
    if ":" not in func_path:
        raise ValueError(f"func_path {func_path!r} must be 'module:function'")
    if trigger.get("trigger") not in TRIGGERS:
        raise ValueError(f"trigger of {job_id} must name one of {sorted(TRIGGERS)}")
    spec = JobSpec(job_id, func_path, dict(trigger), description)
    _jobs[job_id] = spec
    return spec


def unregister_job(job_id: str) -> None:
    _jobs.pop(job_id, None)


def registered_jobs() -> list[JobSpec]:
    return sorted(_jobs.values(), key=lambda spec: spec.id)


def get_job(job_id: str) -> JobSpec | None:
    return _jobs.get(job_id)


def resolve(func_path: str) -> Callable[[], Any]:
    module_name, _, name = func_path.partition(":")
    return getattr(import_module(module_name), name)


def notices_committed(sent: int) -> str:
    """End a reminder job: commit its notices (a job is its own unit of work) and say how many
    went out, for the run record."""
    db.session.commit()
    return f"{sent} notice(s) sent"
