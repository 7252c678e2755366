"""The world of the appeal tests: a home's veto inspection, finalized, its reports on time; and
the provider's appeal of it."""

from datetime import date

import pytest

from reports.appeals import services as appeals
from tests.factories import on
from tests.reports.money import VETO, finalized, reports_on_time


@pytest.fixture
def world(db, inspection_world, schedule):
    """The veto inspection of the home, finalized on 2026-11-10; its reports all on time."""
    w = inspection_world
    w.inspection = finalized(db, w, schedule, failed=(VETO,))
    reports_on_time(db, w.contract)
    return w


@pytest.fixture
def appeal(world, db):
    """The provider's appeal of the world's inspection, lodged on 2026-11-12."""
    on(date(2026, 11, 12))
    lodged = appeals.open_inspection_appeal(world.inspection, reason="检查当日停电",
                                            actor=world.provider_user)
    db.session.commit()
    return lodged
