"""HTML pages of corrective actions: list, raise, suggestions, answer, close/reopen, re-inspect."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from evaluations.actions import rectification, services
from evaluations.actions.models import ActionAttachment, ActionStatus, CorrectiveAction
from evaluations.actions.suggestions import create_actions_from_inspection
from evaluations.inspections.models import Inspection
from tests.clients import Browser

TODAY = date(2026, 6, 15)
OVERDUE = '<span class="badge text-bg-danger">Overdue</span>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(inspection_world, fixed_today):
    fixed_today(TODAY)
    return inspection_world


def _login(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    return browser


@pytest.fixture
def action(world, db):
    action = services.create_action(description="疏散通道堆放杂物", severity="orange",
                                    deadline=TODAY + timedelta(days=3),
                                    facility=world.facility, actor=world.officer)
    db.session.commit()
    return action


def test_list_flags_overdue_and_filters(app, world, action, fixed_today):
    browser = _login(app, world.officer)
    page = browser.get("/evaluations/actions").get_data(as_text=True)
    assert "疏散通道堆放杂物" in page and OVERDUE not in page
    fixed_today(TODAY + timedelta(days=4))
    page = browser.get("/evaluations/actions?overdue=yes").get_data(as_text=True)
    assert "疏散通道堆放杂物" in page and OVERDUE in page
    page = browser.get("/evaluations/actions?severity=red").get_data(as_text=True)
    assert "疏散通道堆放杂物" not in page


def test_provider_sees_only_its_own(app, world, action, make_user):
    stranger = _login(app, make_user("provider"))
    assert "疏散通道堆放杂物" not in stranger.get("/evaluations/actions").get_data(as_text=True)
    assert stranger.get(f"/evaluations/actions/{action.id}").status_code == 404
    response = stranger.post(f"/evaluations/actions/{action.id}/answer", {"response": "x"})
    assert response.status_code == 404


def test_officer_raises_an_action_by_hand(app, world, db):
    browser = _login(app, world.officer)
    browser.get("/evaluations/actions/new")
    response = browser.post("/evaluations/actions/new", {
        "target": f"facility:{world.facility.id}", "description": "厨房灭火毯缺失",
        "severity": "yellow", "deadline": (TODAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    action = db.session.scalar(sa.select(CorrectiveAction))
    assert action.provider_id == world.provider.id and action.description == "厨房灭火毯缺失"


def test_raising_with_a_past_deadline_is_a_422_naming_the_field(app, world, db):
    browser = _login(app, world.officer)
    browser.get("/evaluations/actions/new")
    response = browser.post("/evaluations/actions/new", {
        "target": f"facility:{world.facility.id}", "description": "x", "severity": "red",
        "deadline": (TODAY - timedelta(days=1)).isoformat()})
    assert response.status_code == 422
    assert "The deadline cannot be in the past." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id))) == 0


def test_provider_answers_with_a_pdf_and_downloads_it(app, world, action, db):
    browser = _login(app, world.provider_user)
    browser.get(f"/evaluations/actions/{action.id}")
    response = browser.post(f"/evaluations/actions/{action.id}/answer", {
        "response": "已清理通道并张贴禁止堆放标识", "cause": "物业未及时清运",
        "responsible_person": "王主任", "completed_on": TODAY.isoformat(),
        "files": (io.BytesIO(PDF), "整改报告.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    action = db.session.get(CorrectiveAction, action.id)
    assert action.status is ActionStatus.ANSWERED
    attachment = db.session.scalar(sa.select(ActionAttachment))
    assert attachment.content_type == "application/pdf"
    download = browser.get(f"/evaluations/actions/{action.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()


def test_a_file_whose_content_is_not_a_pdf_or_image_is_refused(app, world, action, db):
    browser = _login(app, world.provider_user)
    browser.get(f"/evaluations/actions/{action.id}")
    response = browser.post(f"/evaluations/actions/{action.id}/answer", {
        "response": "已整改", "cause": "x", "responsible_person": "王主任",
        "completed_on": TODAY.isoformat(),
        "files": (io.BytesIO(b"#!/bin/sh\nrm -rf /\n"), "photo.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).status is ActionStatus.OPEN
    assert db.session.scalar(sa.select(sa.func.count(ActionAttachment.id))) == 0


def test_officer_reopen_needs_a_reason_then_close(app, world, action, db):
    rectification.answer_action(action, response="已清理", actor=world.provider_user,
                                cause="堆放杂物", responsible_person="王主任",
                                completed_on=TODAY)
    db.session.commit()
    browser = _login(app, world.officer)
    browser.get(f"/evaluations/actions/{action.id}")
    response = browser.post(f"/evaluations/actions/{action.id}/reopen", {"reason": ""})
    assert response.status_code == 422
    assert "Give the reason for reopening." in response.get_data(as_text=True)
    assert browser.post(f"/evaluations/actions/{action.id}/reopen",
                        {"reason": "照片不清楚"}).status_code == 302
    db.session.expire_all()
    reopened = db.session.get(CorrectiveAction, action.id)
    assert reopened.status is ActionStatus.OPEN and reopened.reopen_count == 1
    assert browser.post(f"/evaluations/actions/{action.id}/close", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).status is ActionStatus.CLOSED


def test_provider_cannot_close(app, world, action):
    browser = _login(app, world.provider_user)
    browser.get(f"/evaluations/actions/{action.id}")
    assert browser.post(f"/evaluations/actions/{action.id}/close", {}).status_code == 403


def test_inspector_confirms_suggestions(app, world, make_scored_inspection, db):
    inspection = make_scored_inspection(world, {"smoke_detectors": False, "bedding": 2})
    smoke = next(i for i in world.template.items if i.key == "smoke_detectors")
    bedding = next(i for i in world.template.items if i.key == "bedding")
    browser = _login(app, world.inspector)
    page = browser.get(f"/evaluations/inspections/{inspection.id}/actions")
    assert page.status_code == 200
    response = browser.post(f"/evaluations/inspections/{inspection.id}/actions", {
        f"create_{smoke.id}": "1", f"description_{smoke.id}": "烟感报警器失效，立即更换",
        f"severity_{smoke.id}": "red", f"deadline_{smoke.id}": "2026-06-20",
        f"description_{bedding.id}": "x", f"severity_{bedding.id}": "orange",
        f"deadline_{bedding.id}": "2026-06-30"})
    assert response.status_code == 302
    rows = db.session.scalars(sa.select(CorrectiveAction)).all()
    assert [(r.item_id, r.description, r.deadline) for r in rows] == [
        (smoke.id, "烟感报警器失效，立即更换", date(2026, 6, 20))]


def test_another_inspector_gets_404_on_the_suggestions(app, world, make_scored_inspection,
                                                       make_user):
    inspection = make_scored_inspection(world, {"bedding": 2})
    other = _login(app, make_user("inspector", region="a"))
    assert other.get(f"/evaluations/inspections/{inspection.id}/actions").status_code == 404


def test_reinspection_button_on_the_facilitys_open_actions(app, world, make_scored_inspection,
                                                           db):
    inspection = make_scored_inspection(world, {"bedding": 2})
    bedding = next(i for i in world.template.items if i.key == "bedding")
    create_actions_from_inspection(inspection, [{"item_id": bedding.id}], actor=world.inspector)
    db.session.commit()
    browser = _login(app, world.officer)
    page = browser.get(f"/evaluations/facilities/{world.facility.id}/actions")
    assert "Schedule a re-inspection" in page.get_data(as_text=True)
    response = browser.post(f"/evaluations/facilities/{world.facility.id}/actions", {
        "inspector": str(world.inspector.id), "scheduled_for": "2026-07-01"})
    assert response.status_code == 302
    again = db.session.scalar(sa.select(Inspection).where(Inspection.id != inspection.id))
    assert again.template_id == inspection.template_id
    assert again.scheduled_for == date(2026, 7, 1)


def test_pages_need_login(client):
    assert client.get("/evaluations/actions").status_code == 302
