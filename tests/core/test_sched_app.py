"""Helpers (no tests): the app for the scheduler processes of the tests, and tiny jobs.

``flask --app tests.core.test_sched_app:create_app scheduler run`` starts a scheduler process
on ``DATABASE_URL``; with ``CAREPROCURE_TEST_TICK=1`` it also registers ``test.tick`` (every
second) and ``test.manual`` (daily, for "run now").
"""

from __future__ import annotations

import os

from flask import Flask

# imported at collection, before the session fixture creates the tables (_import_models will)
import app.notifications.models  # noqa: F401
import app.scheduler.models  # noqa: F401
from app.scheduler.registry import register_job


def create_app() -> Flask:
    from app import create_app as factory

    return factory()


def tick() -> str:
    return f"tick from {os.getpid()}"


def manual() -> str:
    return f"manual from {os.getpid()}"


if os.environ.get("CAREPROCURE_TEST_TICK") == "1":
    register_job("test.tick", "tests.core.test_sched_app:tick", {"trigger": "interval", "seconds": 1})
    register_job("test.manual", "tests.core.test_sched_app:manual",
                 {"trigger": "interval", "hours": 24})
