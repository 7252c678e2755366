"""Helpers (no tests): an app with the notifications and scheduler packages wired in, as the
composition root will wire them, and a tiny job for the scheduler processes of the tests.

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


def wire(flask_app: Flask) -> Flask:
    """Register what the lead adds to create_app, unless it is already there."""
    import app.notifications.jobs  # noqa: F401
    import app.scheduler.jobs  # noqa: F401
    from app import notifications, scheduler
    from app.scheduler.cli import scheduler_cli

    for module in (notifications, scheduler):
        if module.bp.name not in flask_app.blueprints:
            flask_app.register_blueprint(module.bp)
    if "scheduler" not in flask_app.cli.commands:
        flask_app.cli.add_command(scheduler_cli)
    return flask_app


def create_app() -> Flask:
    from app import create_app as factory

    return wire(factory())


def tick() -> str:
    return f"tick from {os.getpid()}"


def manual() -> str:
    return f"manual from {os.getpid()}"


if os.environ.get("CAREPROCURE_TEST_TICK") == "1":
    register_job("test.tick", "tests.core.test_sched_app:tick", {"trigger": "interval", "seconds": 1})
    register_job("test.manual", "tests.core.test_sched_app:manual",
                 {"trigger": "interval", "hours": 24})
