"""A small city to plan: in county A a home whose last inspection failed a veto item and a
clean home, both finalized on 2026-03-02; in county B a home never inspected."""

from datetime import date
from types import SimpleNamespace

import pytest

from evaluations.inspections.services import finalize_inspection, submit_inspection
from tests.factories import fill_in, on
from tests.reports.money import VETO

INSPECTED_ON = date(2026, 3, 2)
TODAY = date(2026, 6, 1)


def carried_out(db, w, schedule, facility, *, failed=(), day=INSPECTED_ON, finalize=True):
    on(day)
    inspection = schedule(facility=facility, scheduled_for=day)
    fill_in(db, inspection, w, value=lambda item: False if item.key in failed else None)
    submit_inspection(inspection, actor=w.inspector)
    if finalize:
        finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    return inspection


@pytest.fixture
def city(db, inspection_world, schedule, make_facility):
    w = inspection_world
    w.vetoed = w.facility
    w.clean = make_facility("a1", name="甲二敬老院", kind="rural_home")
    w.far = make_facility("b1", name="乙一福利院")
    w.vetoed_inspection = carried_out(db, w, schedule, w.vetoed, failed=(VETO,))
    w.clean_inspection = carried_out(db, w, schedule, w.clean)
    on(TODAY)
    return w


__all__ = ["SimpleNamespace", "carried_out"]
