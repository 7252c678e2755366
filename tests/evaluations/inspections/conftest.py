"""Browser fixtures of the inspection tests: the app serving one warm-winter inspection to
fill (``live_server``), with the record of every request it received (to prove that an offline
device sent nothing, and to look at uploads as they arrived). The server, Chromium and the demo
city's server come from :mod:`tests.browser`. Also the world's inspection ``finalized``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.regions.models import Level
from app.regions.services import create_region
from app.users.services import create_user
from tests.browser import chromium_or_skip, serve
from tests.clients import PASSWORD


def seed_field_world() -> dict:
    from contracts import services as contracts
    from evaluations.assessment.services import seed_builtin_templates
    from evaluations.inspections.services import schedule_inspection

    city = create_region("100000", "示范市", Level.CITY, None, "Demo City")
    county = create_region("100100", "甲区", Level.COUNTY, city.code, "A District")
    town = create_region("100100001", "甲一街道", Level.TOWNSHIP, county.code, "A1 Street")
    officer = create_user(email="officer@example.cn", password=PASSWORD, role="officer",
                          region=county, name="Officer Wang")
    inspector = create_user(email="inspector@example.cn", password=PASSWORD,
                            role="inspector", region=county, name="Inspector Li")
    templates = {t.code: t for t in seed_builtin_templates()}
    facility = contracts.create_facility(name="甲一福利院", kind="elderly_home", region=town,
                                         wards={"self_care": 20, "disabled": 10})
    inspection = schedule_inspection(template=templates["warm_winter"], inspector=inspector,
                                     facility=facility, scheduled_for=date(2026, 11, 10),
                                     actor=officer)
    db.session.commit()
    return {"inspection": inspection.id, "template": templates["warm_winter"].id}


@pytest.fixture
def finalized(db, schedule, inspection_world):
    """The world's inspection filled in fully, submitted (100, excellent) and finalized."""
    from evaluations.inspections import services
    from tests.answers import fill_in

    w = inspection_world
    inspection = schedule()
    fill_in(db, inspection, w)
    services.submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    assert inspection.total == Decimal("100.0") and inspection.grade == "excellent"
    services.finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    return inspection


@pytest.fixture
def live_server(tmp_path):
    """The app served on a free local port with seeded data; yields (base_url, app, ids)."""
    chromium_or_skip()
    base_url, app, ids, recorder, stop = serve(tmp_path, seed_field_world)
    app.recorder = recorder
    try:
        yield base_url, app, ids
    finally:
        stop()
