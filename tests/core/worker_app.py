"""Helpers (no tests): the app of the worker processes the tests start and kill.

``flask --app tests.core.worker_app:create_app worker run`` is an ordinary worker, except that
it can stop dead, after writing the file named by ``CAREPROCURE_TEST_HOLD_MARKER``, for the test
to kill it there with SIGKILL: with ``CAREPROCURE_TEST_HOLD_AT=N`` as it starts the N-th
scorecard of a batch; with ``CAREPROCURE_TEST_HOLD_AFTER_IMPORT=1`` once a household import has
inserted every record, before the commit. Each scorecard it renders is logged as
``<pid> <inspection id>`` to ``CAREPROCURE_TEST_STEP_LOG``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask


def _hold() -> None:
    Path(os.environ["CAREPROCURE_TEST_HOLD_MARKER"]).write_text(str(os.getpid()))
    threading.Event().wait()  # until killed; the heartbeat thread keeps the task claimed


def create_app() -> Flask:
    from app import create_app as factory
    from contracts.households import queued
    from reports.scorecards import batch

    app = factory()
    steps = {"count": 0}
    render, import_households = batch.card_pdf, queued.import_households

    def card_pdf(inspection, means):
        steps["count"] += 1
        if steps["count"] == int(os.environ.get("CAREPROCURE_TEST_HOLD_AT", "0")):
            _hold()
        with open(os.environ["CAREPROCURE_TEST_STEP_LOG"], "a") as log:
            log.write(f"{os.getpid()} {inspection.id}\n")
        return render(inspection, means)

    def holding_import(*args, **kwargs):
        result = import_households(*args, **kwargs)
        if os.environ.get("CAREPROCURE_TEST_HOLD_AFTER_IMPORT") == "1":
            _hold()
        return result

    batch.card_pdf = card_pdf
    queued.import_households = holding_import
    return app
