"""An appeal resolved by a correction when the result's inspector has left: the officer names
who fills the correction in (the correction refused one it could not give to its inspector,
and the appeal had no way to name another)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from evaluations.inspections.models import Inspection
from reports.appeals.models import Appeal
from tests.clients import Browser, error_of
from tests.factories import on


def test_the_officer_names_the_inspector_of_the_correction(world, appeal, api_login, db, app,
                                                          make_user):
    world.inspector.is_enabled = False  # left the bureau's service
    other = make_user("inspector", region="a", name="接替的评估员")
    db.session.commit()
    on(date(2026, 11, 13))
    officer = api_login(world.officer)
    url = f"/api/v1/appeals/{appeal.id}/resolve"

    nobody = officer.post(url, json={"outcome": "corrected", "reason": "同意复核"})
    assert nobody.status_code == 422 and "inspector_id" in error_of(nobody)["fields"]
    assert db.session.get(Appeal, appeal.id).is_open

    page = Browser(app.test_client())
    page.login(world.officer)
    html = page.get(f"/reports/appeals/{appeal.id}").get_data(as_text=True)
    assert 'name="inspector_id"' in html and "接替的评估员" in html
    refused = page.post(f"/reports/appeals/{appeal.id}/resolve",
                        {"outcome": "corrected", "reason": "同意复核", "files_seen": "0"})
    assert refused.status_code == 422
    assert "can no longer fill in its correction" in refused.get_data(as_text=True)

    named = officer.post(url, json={"outcome": "corrected", "reason": "同意复核",
                                    "inspector_id": other.id})
    assert named.status_code == 200, named.get_json()
    correction = db.session.get(Inspection, named.get_json()["correction_id"])
    assert correction.inspector_id == other.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection).where(
        Inspection.supersedes_id == world.inspection.id)) == 1
