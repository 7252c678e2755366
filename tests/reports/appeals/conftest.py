"""The world of the appeal tests: a home's veto inspection, finalized, its reports on time."""

import pytest

from tests.reports.money import VETO, finalized, reports_on_time


@pytest.fixture
def world(db, inspection_world, schedule):
    """The veto inspection of the home, finalized on 2026-11-10; its reports all on time."""
    w = inspection_world
    w.inspection = finalized(db, w, schedule, failed=(VETO,))
    reports_on_time(db, w.contract)
    return w
