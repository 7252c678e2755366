"""An officer gives a planned visit to another inspector, or calls it off (an inspector is ill,
the visit is moot): in the page and the API, in the officer's county only, one of two officers
acting at once."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.notifications import kinds
from app.users.models import User
from evaluations.inspections import assignment
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.reminders import inspection_reminders
from tests.answers import fill_in
from tests.clients import Browser
from tests.factories import notices
from tests.threads import read_then_act_at_once, the_one_that_won

TODAY = date(2026, 11, 8)  # two days before the world's visit


@pytest.fixture
def planned(inspection_world, schedule, fixed_today, make_user):
    fixed_today(TODAY)
    w = inspection_world
    w.stand_in = make_user("inspector", region="a", name="Stand-in Zhao")
    return w, schedule()


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


def _stored(db, inspection_id: int) -> Inspection:
    db.session.expire_all()
    return db.session.get(Inspection, inspection_id)


def test_the_officer_gives_the_visit_to_another_inspector_on_its_page(app, db, planned):
    w, inspection = planned
    officer = _login(app, w.officer)
    page = officer.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert "Give to another inspector" in page and "Stand-in Zhao" in page
    assert 'data-confirm="Give this inspection' in page
    response = officer.post(f"/evaluations/inspections/{inspection.id}/reassign",
                            data={"inspector_id": w.stand_in.id,
                                  "version": inspection.version})
    assert response.status_code == 302
    assert _stored(db, inspection.id).inspector_id == w.stand_in.id
    assert _login(app, w.inspector).get(
        f"/evaluations/inspections/{inspection.id}").status_code == 404
    stand_in = _login(app, w.stand_in)
    assert "Fill in the form" in stand_in.get(
        f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    # told now, as the reminders tell an assignee, and not a second time by them
    told = notices(db, w.stand_in, kinds.INSPECTION_DUE)
    assert len(told) == 1 and "2026-11-10" in told[0].title
    inspection_reminders(TODAY)
    assert len(notices(db, w.stand_in, kinds.INSPECTION_DUE)) == 1
    assert notices(db, w.inspector) == []


def test_the_officer_cancels_a_visit_with_a_reason(app, db, planned, api_login):
    w, inspection = planned
    officer = _login(app, w.officer)
    page = officer.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert 'data-confirm="Cancel this inspection?' in page
    url = f"/evaluations/inspections/{inspection.id}/cancel"
    response = officer.post(url, data={"reason": "  ", "version": inspection.version})
    assert _stored(db, inspection.id).status is InspectionStatus.SCHEDULED
    response = officer.post(url, data={"reason": "院方已停业整顿",
                                       "version": inspection.version})
    assert response.status_code == 302
    stored = _stored(db, inspection.id)
    assert stored.status is InspectionStatus.CANCELLED
    assert stored.cancel_reason == "院方已停业整顿" and stored.cancelled_by_id == w.officer.id
    page = officer.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert "院方已停业整顿" in page and 'data-status="cancelled"' in page
    assert "Cancel the inspection" not in page and "Give to another inspector" not in page
    # off the inspector's list and reminders; it can no longer be filled in
    inspector = _login(app, w.inspector)
    assert f"/evaluations/inspections/{inspection.id}\"" not in inspector.get(
        "/evaluations/inspections").get_data(as_text=True)
    assert inspector.get(f"/evaluations/inspections/{inspection.id}/form").status_code == 404
    inspection_reminders(TODAY)
    assert notices(db, w.inspector) == []
    api = api_login(w.inspector)
    response = api.put(f"/api/v1/inspections/{inspection.id}/answers",
                       json={"version": stored.version, "answers": []})
    assert response.status_code == 404
    assert _stored(db, inspection.id).status is InspectionStatus.CANCELLED


def test_a_cancelled_inspection_cannot_be_submitted_even_by_its_inspector(db, planned):
    from app.errors import Conflict
    from evaluations.inspections.services import submit_inspection

    w, inspection = planned
    assignment.cancel_inspection(inspection, reason="不再需要", actor=w.officer)
    db.session.commit()
    with pytest.raises(Conflict, match="cancelled"):
        submit_inspection(inspection, actor=w.inspector)


def test_the_api_reassigns_and_cancels_and_says_why_it_refuses(app, db, planned, api_login,
                                                                make_user):
    w, inspection = planned
    api = api_login(w.officer)
    base = f"/api/v1/inspections/{inspection.id}"
    response = api.post(f"{base}/reassign", json={})
    assert response.status_code == 422 and "inspector_id" in response.get_json()["error"][
        "fields"]
    outsider = make_user("inspector", region="b")
    response = api.post(f"{base}/reassign", json={"inspector_id": outsider.id})
    assert response.status_code == 422 and "inspector_id" in response.get_json()["error"][
        "fields"]
    response = api.post(f"{base}/reassign", json={"inspector_id": w.stand_in.id,
                                                  "version": inspection.version + 5})
    assert response.status_code == 409
    assert _stored(db, inspection.id).inspector_id == w.inspector.id
    response = api.post(f"{base}/reassign", json={"inspector_id": w.stand_in.id,
                                                  "version": inspection.version})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["inspector_id"] == w.stand_in.id and body["status"] == "scheduled"
    # the page read before that step is out of date
    response = api.post(f"{base}/cancel", json={"reason": "不再需要",
                                                "version": inspection.version})
    assert response.status_code == 409
    response = api.post(f"{base}/cancel", json={"reason": ""})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    response = api.post(f"{base}/cancel", json={"reason": "不再需要"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert response.get_json()["cancel_reason"] == "不再需要"
    assert api.post(f"{base}/cancel", json={"reason": "再次"}).status_code == 409
    assert api.post(f"{base}/reassign", json={"inspector_id": w.inspector.id}
                    ).status_code == 409


def test_only_an_officer_of_the_county_may(app, db, planned, api_login, make_user):
    w, inspection = planned
    base = f"/api/v1/inspections/{inspection.id}"
    body = {"inspector_id": w.stand_in.id}
    b_officer = api_login(make_user("officer", region="b"))
    assert b_officer.post(f"{base}/reassign", json=body).status_code == 404
    assert b_officer.post(f"{base}/cancel", json={"reason": "x"}).status_code == 404
    for user in (w.inspector, w.provider_user):
        assert api_login(user).post(f"{base}/cancel", json={"reason": "x"}).status_code == 403
        assert api_login(user).post(f"{base}/reassign", json=body).status_code == 403
    browser = _login(app, make_user("officer", region="b"))
    assert browser.post(f"/evaluations/inspections/{inspection.id}/cancel",
                        data={"reason": "x"}).status_code == 404
    assert _login(app, w.inspector).post(f"/evaluations/inspections/{inspection.id}/cancel",
                                         data={"reason": "x"}).status_code == 403
    stored = _stored(db, inspection.id)
    assert stored.status is InspectionStatus.SCHEDULED and stored.inspector_id == w.inspector.id
    admin = api_login(make_user("admin"))
    assert admin.post(f"{base}/reassign", json=body).status_code == 200


def test_a_visit_under_way_may_change_hands_but_not_be_cancelled(app, db, planned,
                                                                  api_login):
    w, inspection = planned
    fill_in(db, inspection, w)
    api = api_login(w.officer)
    base = f"/api/v1/inspections/{inspection.id}"
    response = api.post(f"{base}/cancel", json={"reason": "不再需要"})
    assert response.status_code == 409
    assert "already recorded" in response.get_json()["error"]["message"]
    response = api.post(f"{base}/reassign", json={"inspector_id": w.stand_in.id})
    assert response.status_code == 200
    assert len(response.get_json()["answers"]) > 0  # the answers so far stay


def test_a_submitted_visit_is_no_longer_reassigned(app, db, planned, api_login):
    from evaluations.inspections.services import submit_inspection

    w, inspection = planned
    fill_in(db, inspection, w)
    submit_inspection(inspection, actor=w.inspector)
    db.session.commit()
    response = api_login(w.officer).post(f"/api/v1/inspections/{inspection.id}/reassign",
                                         json={"inspector_id": w.stand_in.id})
    assert response.status_code == 409
    assert _stored(db, inspection.id).inspector_id == w.inspector.id


def test_two_officers_at_once_one_wins(app, db, planned, make_user):
    w, inspection = planned
    other = make_user("officer", region="a")
    inspection_id, stand_in_id = inspection.id, w.stand_in.id
    officer_ids = (w.officer.id, other.id)

    def read():
        return _db.session.get(Inspection, inspection_id)

    def reassign_by(officer_id):
        return lambda row: assignment.reassign_inspection(
            row, inspector_id=stand_in_id, actor=_db.session.get(User, officer_id),
            version_seen=1)

    def cancel_by(officer_id):
        return lambda row: assignment.cancel_inspection(
            row, reason="不再需要", actor=_db.session.get(User, officer_id), version_seen=1)

    outcomes = read_then_act_at_once(app, read, reassign_by(officer_ids[0]),
                                     cancel_by(officer_ids[1]))
    winner = the_one_that_won(outcomes, "Conflict")
    stored = _stored(db, inspection_id)
    if winner == 0:
        assert stored.inspector_id == stand_in_id
        assert stored.status is InspectionStatus.SCHEDULED
    else:
        assert stored.status is InspectionStatus.CANCELLED
        assert stored.inspector_id == w.inspector.id
    assert db.session.scalar(sa.select(sa.func.count(Inspection.id))) == 1


def test_a_change_the_former_inspector_sends_as_it_is_reassigned_is_refused(app, db, planned):
    """The former inspector's device opened the form before the officer gave it away and
    sends its per-item changes (no version) after: they must not land in the new
    inspector's form."""
    from evaluations.inspections.sync import save_changes
    from tests.threads import read_then_act_after

    w, inspection = planned
    item = next(i for i in w.template.items if i.kind == "yes_no")
    inspection_id, officer_id, inspector_id = inspection.id, w.officer.id, w.inspector.id
    stand_in_id = w.stand_in.id

    def given_away() -> bool:
        with _db.engine.connect() as connection:
            return connection.scalar(sa.select(Inspection.inspector_id).where(
                Inspection.id == inspection_id)) == stand_in_id

    outcomes = read_then_act_after(
        app, lambda: _db.session.get(Inspection, inspection_id),
        lambda row: assignment.reassign_inspection(
            row, inspector_id=stand_in_id, actor=_db.session.get(User, officer_id)),
        lambda row: save_changes(row, answers=[{"item_id": item.id, "yes": True,
                                                "base_version": 0}],
                                 actor=_db.session.get(User, inspector_id)),
        given_away)
    assert outcomes[0] is None and "given to another inspector" in outcomes[1], outcomes
    stored = _stored(db, inspection_id)
    assert stored.answers == [] and stored.status is InspectionStatus.SCHEDULED
