"""A re-inspection (复查) is a visit the provider must not see coming: its day and the visit
itself stay off the provider's pages and API until the inspector has submitted it (DESIGN.md
§1: a provider sees its finalized inspections, not the ones planned)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evaluations.actions import services
from evaluations.actions.suggestions import create_actions_from_inspection
from evaluations.inspections.models import InspectionStatus
from tests.clients import Browser

TODAY = date(2026, 6, 15)
VISIT = TODAY + timedelta(days=9)


@pytest.fixture
def planned(inspection_world, fixed_today, db, make_scored_inspection):
    fixed_today(TODAY)
    w = inspection_world
    inspection = make_scored_inspection(w, {"bedding": 1})
    bedding = next(i for i in w.template.items if i.key == "bedding")
    [action] = create_actions_from_inspection(inspection, [{"item_id": bedding.id}],
                                              actor=w.inspector)
    visit = services.schedule_reinspection(w.facility, inspector=w.inspector,
                                           scheduled_for=VISIT, actor=w.officer)
    db.session.commit()
    return w, action, visit


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def test_the_provider_does_not_see_a_planned_reinspection(app, db, planned, api_login):
    w, action, visit = planned
    provider = _login(app, w.provider_user)
    for url in (f"/evaluations/actions/{action.id}",
                f"/evaluations/facilities/{w.facility.id}/actions"):
        response = provider.get(url)
        assert response.status_code == 200, url
        assert VISIT.isoformat() not in response.get_data(as_text=True), url
    assert "Re-inspection" not in provider.get(f"/evaluations/actions/{action.id}"
                                                ).get_data(as_text=True)
    body = api_login(w.provider_user).get(f"/api/v1/corrective-actions/{action.id}").get_json()
    assert body["reinspection_id"] is None

    officer = _login(app, w.officer)
    assert VISIT.isoformat() in officer.get(f"/evaluations/actions/{action.id}"
                                            ).get_data(as_text=True)
    body = api_login(w.officer).get(f"/api/v1/corrective-actions/{action.id}").get_json()
    assert body["reinspection_id"] == visit.id


def test_once_submitted_the_provider_sees_the_reinspection(app, db, planned, api_login):
    w, action, visit = planned
    visit.status = InspectionStatus.SUBMITTED
    db.session.commit()
    page = _login(app, w.provider_user).get(f"/evaluations/actions/{action.id}")
    assert VISIT.isoformat() in page.get_data(as_text=True)
    body = api_login(w.provider_user).get(f"/api/v1/corrective-actions/{action.id}").get_json()
    assert body["reinspection_id"] == visit.id
