"""Signatures drawn on the device: stored as PNG with who and when, required by a template
setting before submit, printed on the scorecard, and seen only by who may see the inspection."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from pypdf import PdfReader

from evaluations.assessment.services import export_template, import_template
from evaluations.inspections import services as svc
from evaluations.inspections.models import InspectionSignature
from evaluations.inspections.signatures import signature_path
from tests.clients import Browser
from tests.factories import fill_in


def signature_png(width=600, height=220, lift=0) -> bytes:
    """A stroke on a transparent canvas, as the form's pad makes it."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(30, 150 - lift), (200, 60), (380, 170), (560, 40 + lift)],
                               fill=(17, 17, 17, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _field(app, inspection, user):
    browser = Browser(app.test_client())
    assert browser.login(user).status_code == 302
    browser.get(f"/evaluations/inspections/{inspection.id}/form")
    return browser, {"X-CSRFToken": browser.token}


def _sign(browser, headers, inspection, role, name="李明", signed_at="2026-11-10T10:30:00+08:00",
          data=None, client_id=None):
    form = {"role": role, "signer_name": name, "signed_at": signed_at,
            "file": (io.BytesIO(signature_png(lift=len(role)) if data is None else data),
                     "signature.png")}
    if client_id:
        form["client_id"] = client_id
    return browser.client.post(f"/evaluations/inspections/{inspection.id}/field/signatures",
                               headers=headers, data=form)


@pytest.fixture
def signed_world(db, inspection_world, make_template):
    """The world's home with a template version that requires signatures."""
    w = inspection_world
    doc = export_template(w.template) | {"signatures_required": True}
    w.template = import_template(doc, None, publish=True)
    db.session.commit()
    return w


def test_a_signature_is_stored_as_png_with_who_and_when_and_replaced(app, db, schedule,
                                                                      inspection_world):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    response = _sign(browser, headers, inspection, "representative", name="王院长",
                     client_id="sig-0001-aaaa")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["signer_name"] == "王院长"
    again = _sign(browser, headers, inspection, "representative", name="王院长",
                  client_id="sig-0001-aaaa")  # a retry: the same row
    assert again.get_json()["url"] == response.get_json()["url"]
    row = db.session.scalar(sa.select(InspectionSignature))
    assert row.signed_at == datetime(2026, 11, 10, 2, 30, tzinfo=UTC)
    with Image.open(signature_path(row)) as stored:
        assert stored.format == "PNG" and stored.mode == "L" and stored.size == (600, 220)
        assert stored.getpixel((5, 5)) == 255  # transparent became white paper
    old_path = signature_path(row)

    _sign(browser, headers, inspection, "representative", name="王芳", client_id="sig-0002-bbbb")
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(InspectionSignature)).all()
    assert row.signer_name == "王芳" and not old_path.exists()
    image = browser.client.get(response.get_json()["url"].split("?")[0])
    assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.mark.parametrize("change, field", [
    ({"data": b"%PDF-1.4 not a signature"}, "file"),
    ({"data": b"\x89PNG\r\n\x1a\n broken"}, "file"),
    ({"role": "officer"}, "role"),
    ({"name": "   "}, "signer_name"),
    ({"name": "名" * 101}, "signer_name"),
    ({"signed_at": "yesterday"}, "signed_at"),
    ({"signed_at": "2099-01-01T00:00:00+08:00"}, "signed_at"),
    ({"signed_at": "0001-01-01T00:00:00"}, "signed_at"),           # an unset device clock
    ({"signed_at": "9999-12-31T23:59:59-12:00"}, "signed_at"),     # past year 9999 in UTC
    ({"client_id": "no spaces allowed"}, "client_id"),
])
def test_a_bad_signature_is_422_naming_the_field_and_stores_nothing(app, db, schedule,
                                                                    inspection_world, change,
                                                                    field):
    w = inspection_world
    inspection = schedule()
    browser, headers = _field(app, inspection, w.inspector)
    role = change.pop("role", "inspector")
    response = _sign(browser, headers, inspection, role, **change)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(InspectionSignature.id))) == 0


def test_submit_requires_signatures_when_the_template_says_so(app, db, schedule, signed_world):
    w = signed_world
    inspection = schedule()
    fill_in(db, inspection, w)
    browser, headers = _field(app, inspection, w.inspector)
    response = browser.post(f"/evaluations/inspections/{inspection.id}/form",
                            _posted(inspection) | {"action": "submit"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="gap-count" data-count="2"' in page and 'href="#signature-inspector"' in page
    assert "Signatures missing" in page

    for role in ("inspector", "representative"):
        assert _sign(browser, headers, inspection, role).status_code == 201
    db.session.expire_all()
    inspection = svc.get_visible_inspection(w.inspector, inspection.id)
    response = browser.post(f"/evaluations/inspections/{inspection.id}/form",
                            _posted(inspection) | {"action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _posted(inspection) -> dict:
    """The form's controls as the page would post them for the stored answers."""
    data = {"version": str(inspection.version)}
    for answer in inspection.answers:
        if answer.na:
            data[f"na-{answer.item_id}"] = "1"
        elif answer.yes is not None:
            data[f"a-{answer.item_id}"] = "yes" if answer.yes else "no"
        else:
            data[f"a-{answer.item_id}"] = f"{answer.points.normalize():f}"
    return data


def test_the_scorecard_prints_the_signatures_instead_of_empty_lines(app, db, schedule,
                                                                    inspection_world,
                                                                    as_user, make_user):
    w = inspection_world
    inspection = schedule()
    fill_in(db, inspection, w)
    browser, headers = _field(app, inspection, w.inspector)
    officer, _user = as_user("officer", region="a")
    url = f"/reports/inspections/{inspection.id}/scorecard.pdf"

    svc.submit_inspection(svc.get_visible_inspection(w.inspector, inspection.id),
                          actor=w.inspector)
    db.session.commit()
    unsigned = officer.get(url)
    assert unsigned.status_code == 200
    svc.reopen_inspection(svc.get_visible_inspection(w.officer, inspection.id),
                          actor=w.officer, reason="请现场签名")
    db.session.commit()

    _sign(browser, headers, inspection, "inspector", name="李检查员",
          signed_at="2026-11-10T10:30:00+08:00")
    _sign(browser, headers, inspection, "representative", name="王院长",
          signed_at="2026-11-10T10:35:00+08:00")
    db.session.expire_all()  # the signatures were stored by the requests' own sessions
    svc.submit_inspection(svc.get_visible_inspection(w.inspector, inspection.id),
                          actor=w.inspector)
    svc.finalize_inspection(svc.get_visible_inspection(w.officer, inspection.id),
                            actor=w.officer)
    db.session.commit()
    signed = officer.get(url)
    assert signed.status_code == 200 and signed.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(signed.data)).pages)
    assert "李检查员 · 2026-11-10 10:30" in text and "王院长 · 2026-11-10 10:35" in text

    def images(body: bytes) -> int:
        return sum(len(page.images) for page in PdfReader(io.BytesIO(body)).pages)

    assert images(signed.data) == images(unsigned.data) + 2

    # the provider of the home reads the signatures with the finalized inspection; no one else
    sig_url = f"/evaluations/inspections/{inspection.id}/signatures/representative"
    provider = Browser(app.test_client())
    provider.login(w.provider_user)
    detail = provider.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert sig_url in detail and "王院长" in detail
    assert provider.get(sig_url).status_code == 200
    stranger = Browser(app.test_client())
    stranger.login(make_user("provider"))
    assert stranger.get(sig_url).status_code == 404
    api = app.test_client()
    assert api.get(f"/api/v1/inspections/{inspection.id}/signatures/inspector").status_code == 401


def test_the_template_setting_travels_with_the_template(db, inspection_world, as_user):
    w = inspection_world
    assert "signatures_required" not in export_template(w.template)
    doc = export_template(w.template) | {"signatures_required": True}
    stored = import_template(doc, None, publish=True)
    assert stored.signatures_required is True
    assert export_template(stored)["signatures_required"] is True
    with pytest.raises(Exception) as error:
        import_template(doc | {"signatures_required": "yes"}, None)
    assert "signatures_required" in error.value.fields
