"""Simultaneous saves of one inspection, as two devices send them, and simultaneous sign-offs
of it, as two officers send them: the database decides.

Both requests are held until each has read the inspection (a barrier inside the service), so
that a compare of versions in Python would let both pass; the conditional UPDATE lets exactly
one win. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import io
from decimal import Decimal

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.extensions import db as _db
from app.users.models import User
from evaluations.inspections import photos as photo_module
from evaluations.inspections import sync as sync_module
from evaluations.inspections.models import (
    EvidencePhoto,
    Inspection,
    InspectionAnswer,
    InspectionStatus,
)
from evaluations.inspections.services import finalize_inspection, reopen_inspection
from tests.factories import item_of, jpeg_bytes
from tests.threads import at_once, held, read_then_act_at_once, the_one_that_won


def test_two_puts_with_the_same_version_one_wins_one_is_409(db, schedule, inspection_world,
                                                            api_login, monkeypatch):
    w = inspection_world
    inspection = schedule()
    tablet, phone = api_login(w.inspector), api_login(w.inspector)
    first = w.template.items[0]
    url = f"/api/v1/inspections/{inspection.id}/answers"
    held(monkeypatch, sync_module, "check_answers")
    yes, no = at_once(
        lambda: tablet.put(url, json={"version": 1, "answers": [
            {"item_id": first.id, "yes": True, "note": "tablet"}]}),
        lambda: phone.put(url, json={"version": 1, "answers": [
            {"item_id": first.id, "yes": False, "note": "phone"}]}))
    assert sorted([yes.status_code, no.status_code]) == [200, 409], (yes.get_json(),
                                                                     no.get_json())
    winner = yes if yes.status_code == 200 else no
    loser = no if winner is yes else yes
    assert loser.get_json()["error"]["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).version == 2
    [row] = db.session.scalars(sa.select(InspectionAnswer)).all()
    assert row.note == winner.get_json()["answers"][0]["note"]


def test_two_item_saves_of_the_same_item_never_both_win(db, schedule, inspection_world,
                                                        api_login, monkeypatch):
    w = inspection_world
    inspection = schedule()
    tablet, phone = api_login(w.inspector), api_login(w.inspector)
    room = item_of(w.template, "bedding")  # points, max 4
    url = f"/api/v1/inspections/{inspection.id}/answers"
    held(monkeypatch, sync_module, "check_answers")
    responses = at_once(
        lambda: tablet.put(url, json={"answers": [
            {"item_id": room.id, "points": 4, "base_version": 0}]}),
        lambda: phone.put(url, json={"answers": [
            {"item_id": room.id, "points": 1, "base_version": 0}]}))
    assert [r.status_code for r in responses] == [200, 200]
    conflicts = [r.get_json()["conflicts"] for r in responses]
    assert sorted(len(c) for c in conflicts) == [0, 1]
    refused = next(c for c in conflicts if c)[0]
    db.session.expire_all()
    stored = db.session.scalar(sa.select(InspectionAnswer.points))
    # the refused change comes back with the value that was stored instead of it
    assert refused["theirs"]["points"] == float(stored)
    assert refused["yours"]["points"] != float(stored)
    assert db.session.get(Inspection, inspection.id).version == 3


def test_a_photo_retried_while_the_first_upload_runs_is_stored_once(db, schedule,
                                                                    inspection_world,
                                                                    api_login, monkeypatch):
    w = inspection_world
    inspection = schedule()
    api = api_login(w.inspector)
    room = item_of(w.template, "room_temperature")
    url = f"/api/v1/inspections/{inspection.id}/photos"
    data = jpeg_bytes()

    def upload():
        return api.post(url, data={"item_id": str(room.id), "client_id": "photo-0001-abcd",
                                   "file": (io.BytesIO(data), "p.jpg")})

    held(monkeypatch, photo_module, "bump_version")
    first, second = at_once(upload, upload)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] == second.get_json()["id"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(EvidencePhoto.id))) == 1


# ---- two officers signing one inspection off at the same instant ------------------------------

def _signed_off_in_the_trail(db, inspection_id: int) -> int:
    return sum(1 for row in db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "inspections", AuditLog.object_id == str(inspection_id)))
        if "finalized" in str(row.changes.get("status", "")))


def test_two_officers_finalizing_at_once_one_is_refused(app, db, make_scored_inspection,
                                                        inspection_world, make_user):
    inspection_id = make_scored_inspection(inspection_world).id
    officers = [inspection_world.officer.id, make_user("officer", region="a").id]

    def finalize_by(officer_id):
        return lambda row: finalize_inspection(row, actor=_db.session.get(User, officer_id))

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(Inspection, inspection_id),
                                     *map(finalize_by, officers))
    winner = officers[the_one_that_won(outcomes, "already finalized")]
    db.session.expire_all()
    signed = db.session.get(Inspection, inspection_id)
    assert signed.status is InspectionStatus.FINALIZED and signed.finalized_by_id == winner
    assert _signed_off_in_the_trail(db, inspection_id) == 1


def test_sent_back_and_finalized_at_once_one_wins_whole(app, db, make_scored_inspection,
                                                        inspection_world):
    """Both read it submitted. Each writing its own columns, both won: a finalized inspection
    without its total, or one back in progress that says when it was finalized."""
    scored = make_scored_inspection(inspection_world)
    scored.total = Decimal("95.0")  # as submitting scores it
    db.session.commit()
    inspection_id, officer_id = scored.id, inspection_world.officer.id

    def finalize(row):
        finalize_inspection(row, actor=_db.session.get(User, officer_id))

    def send_back(row):
        reopen_inspection(row, actor=_db.session.get(User, officer_id), reason="照片不清晰")

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(Inspection, inspection_id),
                                     finalize, send_back)
    assert outcomes.count(None) == 1, outcomes
    db.session.expire_all()
    stored = db.session.get(Inspection, inspection_id)
    if outcomes[0] is None:  # finalized first: the sending back found it finalized
        assert "submitted" in outcomes[1]
        assert stored.status is InspectionStatus.FINALIZED and stored.total is not None
        assert not stored.return_reason
    else:
        assert "submitted" in outcomes[0]
        assert stored.status is InspectionStatus.IN_PROGRESS
        assert stored.finalized_at is None and stored.total is None
