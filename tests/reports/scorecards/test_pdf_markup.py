"""User text in the official PDFs prints exactly as typed: markup in a note, a name or a
comment is neither a live link nor a broken build."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from app import clock
from evaluations.actions.services import create_action
from evaluations.inspections.photos import add_photo
from evaluations.inspections.services import finalize_inspection, save_answers, submit_inspection
from reports.performance.decisions import record_payment_decision
from reports.scorecards.markup import para_text
from tests.factories import full_answers, jpeg_bytes

NOTE = '<link href="http://evil.example">点击查看整改通知</link>'
NAME = '阳光<font color="white">（已认证）</font>社工 & <b>伙伴</b>'
ACTION = '<img src="/etc/passwd"/>请于 3 日内整改'


def text_of(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def links_of(body: bytes) -> list[str]:
    """Every URI a reader of the PDF could click."""
    uris = []
    for page in PdfReader(io.BytesIO(body)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_para_text_escapes_markup_and_keeps_line_breaks():
    assert para_text('<a href="x">&</a>') == '&lt;a href="x"&gt;&amp;&lt;/a&gt;'
    assert para_text("一\n二\x07") == "一<br/>二"
    assert para_text(None) == ""


@pytest.fixture
def planted(db, inspection_world, schedule):
    """A finalized inspection whose note, provider name and corrective action carry markup."""
    w = inspection_world
    w.provider.name = NAME
    inspection = schedule()
    half = next(i for i in w.template.items if i.kind == "points" and not i.critical
                and i.max_points >= 2)
    answers = full_answers(w.template, value=lambda item: item.max_points / 2
                           if item.id == half.id else None)
    for answer in answers:
        if answer["item_id"] == half.id:
            answer["note"] = NOTE
    save_answers(inspection, version=inspection.version, answers=answers, actor=w.inspector)
    for item in w.template.items:
        if item.evidence_required:
            add_photo(inspection, item, FileStorage(io.BytesIO(jpeg_bytes()), "p.jpg",
                                                    content_type="image/jpeg"), w.inspector)
    submit_inspection(inspection, actor=w.inspector)
    finalize_inspection(inspection, actor=w.officer)
    create_action(description=ACTION, severity="red", deadline=date(2099, 12, 1),
                  inspection=inspection, actor=w.officer)
    db.session.commit()
    return inspection


def test_a_planted_link_prints_as_text_with_no_link_annotation(as_user, planted):
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    response = browser.get(f"/reports/inspections/{planted.id}/scorecard.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert not any("evil.example" in uri for uri in links_of(response.data))
    text = text_of(response.data).replace("\n", "")  # long texts wrap in their cells
    assert NOTE in text  # the note, visible as the inspector typed it
    assert NAME in text  # the provider's name as registered
    assert ACTION in text


def test_a_payment_comment_and_contract_title_print_as_text(api_as, make_contract, db):
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    contract = make_contract(status="active", title='<link href="http://evil.example">合同</link>')
    contract.provider.name = NAME
    api, officer = api_as("officer", region="a")
    record_payment_decision(contract, "2026", decision="withhold", amount=Decimal("0"),
                            renew=False, comment=NOTE, actor=officer)
    db.session.commit()
    response = api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026")
    assert response.status_code == 200
    assert links_of(response.data) == []
    text = text_of(response.data).replace("\n", "")
    assert text.count('<link href="http://evil.example">') == 2  # the title and the comment
    assert "<font" in text
