"""Rectification reports (整改报告, issue 13, point 7): the fields the bureau's form asks for,
before/after photos, the officer's verification (accept, return with a comment, re-inspect),
through the services, the API and the pages."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from app.errors import Conflict, ValidationError
from evaluations.actions import rectification, services
from evaluations.actions.models import ActionAttachment, ActionStatus, CorrectiveAction
from evaluations.inspections.models import Inspection
from tests.factories import jpeg_bytes

TODAY = date(2026, 6, 15)
REPORT = {"cause": "值班人员未按规定巡查", "response": "已清理通道并每日巡查",
          "responsible_person": "王主任", "completed_on": TODAY}


@pytest.fixture
def world(inspection_world, fixed_today, db):
    fixed_today(TODAY)
    w = inspection_world
    w.action = services.create_action(description="疏散通道堆放杂物", severity="orange",
                                      deadline=TODAY + timedelta(days=7),
                                      facility=w.facility, actor=w.officer)
    db.session.commit()
    return w


@pytest.mark.parametrize(("field", "value"), [
    ("cause", " "), ("response", ""), ("responsible_person", None),
    ("responsible_person", "张" * 101), ("completed_on", None), ("completed_on", "6/15"),
    ("completed_on", TODAY + timedelta(days=1)), ("completed_on", TODAY - timedelta(days=1)),
])
def test_each_field_of_the_report_is_required_and_checked(world, db, field, value):
    with pytest.raises(ValidationError) as refused:
        rectification.answer_action(world.action, actor=world.provider_user,
                                    **(REPORT | {field: value}))
    assert list(refused.value.fields) == [field]
    db.session.rollback()
    assert db.session.get(CorrectiveAction, world.action.id).status is ActionStatus.OPEN


def test_photos_before_and_after_are_kept_apart(world, db):
    rectification.answer_action(
        world.action, actor=world.provider_user, **REPORT,
        before=[("before.jpg", jpeg_bytes(color=(90, 90, 90)))],
        after=[("after.jpg", jpeg_bytes()), ("after2.png", _png())])
    db.session.commit()
    kinds = sorted(a.kind.value for a in world.action.attachments)
    assert kinds == ["after", "after", "before"]
    assert world.action.cause == REPORT["cause"] and world.action.completed_on == TODAY
    with pytest.raises(ValidationError) as refused:
        rectification.answer_action(world.action, actor=world.provider_user, **REPORT,
                                    after=[("report.pdf", b"%PDF-1.4\n%%EOF\n")])
    assert "after" in refused.value.fields


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(out, "PNG")
    return out.getvalue()


def _png_bomb(side: int = 30000) -> bytes:
    """A 1-bit PNG of side × side pixels (900 million), all zeros: about 100 KB packed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _i in range(side)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("name", "data"), [
    ("before.jpg", b"\xff\xd8\xff<html><script>alert(1)</script></html>"),  # JPEG magic only
    ("before.png", _png_bomb()),                                            # 900 megapixels
], ids=["not-an-image", "decompression-bomb"])
def test_a_before_photo_must_be_a_readable_picture_of_sane_size(world, db, name, data):
    """The first bytes were all that was checked."""
    with pytest.raises(ValidationError) as refused:
        rectification.answer_action(world.action, actor=world.provider_user, **REPORT,
                                    before=[(name, data)])
    assert list(refused.value.fields) == ["before"]
    assert "not a readable JPEG or PNG photo" in refused.value.message


def test_returned_with_a_comment_then_resubmitted_then_accepted(world, db):
    action = world.action
    rectification.answer_action(action, actor=world.provider_user, **REPORT)
    services.reopen_action(action, reason="缺少整改后照片", actor=world.officer)
    assert action.status is ActionStatus.OPEN and action.reopen_count == 1
    rectification.answer_action(action, actor=world.provider_user,
                                **REPORT | {"response": "已清理，并补充照片"},
                                after=[("after.jpg", jpeg_bytes())])
    assert action.status is ActionStatus.ANSWERED and action.response == "已清理，并补充照片"
    services.close_action(action, actor=world.officer, note="整改到位")
    db.session.commit()
    assert action.status is ActionStatus.CLOSED
    with pytest.raises(Conflict):
        rectification.answer_action(action, actor=world.provider_user, **REPORT)


def test_the_api_takes_the_same_fields_and_the_return_trip(world, api_login, db):
    url = f"/api/v1/corrective-actions/{world.action.id}"
    provider = api_login(world.provider_user)
    body = {"cause": "巡查不到位", "measures": "已清理", "responsible_person": "王主任",
            "completed_on": "2026-06-15"}
    missing = provider.post(f"{url}/answer", json={"measures": "已清理"})
    assert missing.status_code == 422
    assert {"cause", "responsible_person", "completed_on"} <= set(
        missing.get_json()["error"]["fields"])
    future = provider.post(f"{url}/answer", json=body | {"completed_on": "2026-07-01"})
    assert future.status_code == 422 and "completed_on" in future.get_json()["error"]["fields"]
    answered = provider.post(f"{url}/answer", json=body)
    assert answered.status_code == 200, answered.get_json()
    out = answered.get_json()
    assert (out["status"], out["cause"], out["measures"], out["responsible_person"],
            out["completed_on"]) == ("answered", "巡查不到位", "已清理", "王主任", "2026-06-15")
    officer = api_login(world.officer)
    returned = officer.post(f"{url}/reopen", json={"reason": "缺少整改前后照片"})
    assert returned.get_json()["status"] == "open"
    again = provider.post(f"{url}/answer", data={
        **body, "measures": "已清理并拍照",
        "before": (io.BytesIO(jpeg_bytes(color=(10, 10, 10))), "before.jpg"),
        "after": (io.BytesIO(jpeg_bytes()), "after.jpg")}, content_type="multipart/form-data")
    assert again.status_code == 200, again.get_json()
    out = again.get_json()
    assert out["status"] == "answered" and out["measures"] == "已清理并拍照"
    assert sorted(a["kind"] for a in out["attachments"]) == ["after", "before"]
    assert out["reopen_count"] == 1 and out["reopen_reason"] == "缺少整改前后照片"
    closed = officer.post(f"{url}/close", json={"note": "验收通过"})
    assert closed.get_json()["status"] == "closed"


def test_the_api_schedules_a_re_inspection_from_the_report(world, api_login, db, make_user):
    url = f"/api/v1/corrective-actions/{world.action.id}/reinspection"
    body = {"inspector_id": world.inspector.id, "scheduled_for": "2026-06-22"}
    assert api_login(world.provider_user).post(url, json=body).status_code == 403
    assert api_login(make_user("officer", region="b")).post(url, json=body).status_code == 404
    officer = api_login(world.officer)
    for bad in (2**62, 0, "x"):
        refused = officer.post(url, json=body | {"inspector_id": bad})
        assert refused.status_code == 422
        assert "inspector_id" in refused.get_json()["error"]["fields"]
    assert officer.post(url, json=body | {"inspector_id": 2**31 - 1}).status_code == 422
    # a hand-raised action on a home: the re-inspection uses the home's inspected template;
    # there is none yet, so the service refuses and says why
    refused = officer.post(url, json=body)
    assert refused.status_code == 422 and "facility_id" in refused.get_json()["error"]["fields"]


def test_a_re_inspection_from_an_inspections_finding(world, api_login, db,
                                                     make_scored_inspection):
    source = make_scored_inspection(world, {"bedding": 1})
    action = services.create_action(description="被褥不足", severity="yellow",
                                    deadline=TODAY + timedelta(days=7), inspection=source,
                                    actor=world.officer)
    db.session.commit()
    response = api_login(world.officer).post(
        f"/api/v1/corrective-actions/{action.id}/reinspection",
        json={"inspector_id": world.inspector.id, "scheduled_for": "2026-06-22"})
    assert response.status_code == 201, response.get_json()
    new = db.session.get(Inspection, response.get_json()["reinspection_id"])
    assert new.facility_id == world.facility.id and new.scheduled_for == date(2026, 6, 22)
    assert new.template.code == source.template.code


def test_the_pages_report_return_resubmit_and_accept(world, as_user, db):
    action = world.action
    provider, _ = as_user("provider", provider=world.provider)
    page = provider.get(f"/evaluations/actions/{action.id}").get_data(as_text=True)
    for label in ("Cause of the problem", "Measures taken", "Person responsible",
                  "Date completed", "Photos before", "Photos after"):
        assert label in page
    form = {"cause": "物业未及时清运", "response": "已清理", "responsible_person": "王主任",
            "completed_on": "2026-06-15"}
    refused = provider.post(f"/evaluations/actions/{action.id}/answer",
                            form | {"responsible_person": ""})
    assert refused.status_code == 422
    sent = provider.post(f"/evaluations/actions/{action.id}/answer", form | {
        "after": (io.BytesIO(jpeg_bytes()), "after.jpg")}, content_type="multipart/form-data")
    assert sent.status_code == 302
    officer, _ = as_user("officer", region="a")
    page = officer.get(f"/evaluations/actions/{action.id}").get_data(as_text=True)
    assert "物业未及时清运" in page and "after.jpg" in page and "Re-inspect" in page
    assert officer.post(f"/evaluations/actions/{action.id}/reopen",
                        {"reason": "缺少整改前照片"}).status_code == 302
    page = provider.get(f"/evaluations/actions/{action.id}").get_data(as_text=True)
    assert "缺少整改前照片" in page and "Resubmit the rectification report" in page
    assert 'value="王主任"' in page  # the returned report, pre-filled
    resent = provider.post(f"/evaluations/actions/{action.id}/answer", form | {
        "before": (io.BytesIO(jpeg_bytes(color=(1, 2, 3))), "before.jpg")},
        content_type="multipart/form-data")
    assert resent.status_code == 302
    assert officer.post(f"/evaluations/actions/{action.id}/close",
                        {"note": "验收通过"}).status_code == 302
    db.session.expire_all()
    done = db.session.get(CorrectiveAction, action.id)
    assert done.status is ActionStatus.CLOSED and done.reopen_count == 1
    kinds = sorted(db.session.scalars(sa.select(ActionAttachment.kind)))
    assert [k.value for k in kinds] == ["after", "before"]


def test_the_page_schedules_a_re_inspection(world, as_user, db, make_scored_inspection):
    source = make_scored_inspection(world, {"bedding": 1})
    action = services.create_action(description="被褥不足", severity="yellow",
                                    deadline=TODAY + timedelta(days=7), inspection=source,
                                    actor=world.officer)
    db.session.commit()
    officer, _ = as_user("officer", region="a")
    officer.get(f"/evaluations/actions/{action.id}")
    bad = officer.post(f"/evaluations/actions/{action.id}/reinspection",
                       {"inspector": world.inspector.id, "scheduled_for": ""})
    assert bad.status_code == 422
    ok = officer.post(f"/evaluations/actions/{action.id}/reinspection",
                      {"inspector": world.inspector.id, "scheduled_for": "2026-06-20"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).reinspection_id is not None


def test_only_officers_of_the_region_verify_or_re_inspect_on_the_pages(world, as_user, db,
                                                                      make_user):
    rectification.answer_action(world.action, actor=world.provider_user, **REPORT)
    db.session.commit()
    provider, _ = as_user("provider", provider=world.provider)
    provider.get(f"/evaluations/actions/{world.action.id}")
    for step in ("close", "reopen", "reinspection"):
        assert provider.post(f"/evaluations/actions/{world.action.id}/{step}",
                             {"reason": "x"}).status_code == 403
    outside, _ = as_user("officer", region="b")
    outside.get("/evaluations/actions")
    assert outside.post(f"/evaluations/actions/{world.action.id}/reinspection",
                        {"inspector": world.inspector.id,
                         "scheduled_for": "2026-06-20"}).status_code == 404
    assert db.session.get(CorrectiveAction, world.action.id).status is ActionStatus.ANSWERED
