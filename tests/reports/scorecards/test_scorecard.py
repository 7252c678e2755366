"""The inspection scorecard PDF: what a reader finds in it, and who may get it."""

import io
from datetime import date

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from evaluations.inspections.photos import add_photo
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    save_answers,
    submit_inspection,
)
from reports.scorecards.means import city_section_means
from tests.factories import full_answers, jpeg_bytes


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def finalized(db, inspection_world, schedule):
    """A finalized warm-winter inspection: one item at half marks with a note, one veto item
    failed, photos on the items that require evidence."""
    return _finalized(db, inspection_world, schedule, "二楼走廊温度仅16度")


def _finalized(db, w, schedule, note: str):
    inspection = schedule()
    items = w.template.items
    half = next(i for i in items if i.kind == "points" and not i.critical and i.max_points >= 2)
    veto = next(i for i in items if i.critical and i.kind == "yes_no")

    def value(item):
        if item.id == half.id:
            return item.max_points / 2
        if item.id == veto.id:
            return False
        return None

    answers = full_answers(w.template, value=value)
    for answer in answers:
        if answer["item_id"] == half.id:
            answer["note"] = note
    save_answers(inspection, version=inspection.version, answers=answers, actor=w.inspector)
    for item in items:
        if item.evidence_required:
            add_photo(inspection, item, FileStorage(io.BytesIO(jpeg_bytes(
                taken="2026:11:10 09:30:00")), "p.jpg", content_type="image/jpeg"), w.inspector)
    submit_inspection(inspection, actor=w.inspector)
    finalize_inspection(inspection, actor=w.officer)
    db.session.commit()
    return inspection, half, veto


def test_pdf_holds_total_grade_in_chinese_and_every_section(as_user, finalized, db):
    inspection, half, veto = finalized
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    response = browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert f"{inspection.total}" in text
    assert "不合格" in text  # the veto makes it fail whatever the total
    for section in inspection.template.sections:
        assert section.name_zh in text
    assert veto.text_zh[:10] in text
    assert "二楼走廊温度仅16度" in text
    assert "2026-11-10 09:30" in text  # EXIF time, in local time
    assert inspection.verification_code in text
    assert "第 1 页" in text


def test_labels_follow_the_viewers_language(as_user, finalized):
    inspection, *_ = finalized
    browser, _ = as_user("officer", region="a", locale="en")
    text = pdf_text(browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf").data)
    assert "Inspection scorecard" in text and "Fail 不合格" in text
    assert "Page 1 of" in text


def test_api_scorecard_and_visibility(api_as, finalized, inspection_world, make_user):
    inspection, *_ = finalized
    provider_api, _ = api_as("provider", provider=inspection_world.provider)
    response = provider_api.get(f"/api/v1/inspections/{inspection.id}/scorecard.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    stranger, _ = api_as("provider")
    assert stranger.get(f"/api/v1/inspections/{inspection.id}/scorecard.pdf").status_code == 404
    other_county, _ = api_as("officer", region="b")
    assert other_county.get(f"/api/v1/inspections/{inspection.id}/scorecard.pdf"
                            ).status_code == 404


def test_provider_gets_404_before_finalization(api_as, schedule, inspection_world):
    inspection = schedule()
    api, _ = api_as("provider", provider=inspection_world.provider)
    assert api.get(f"/api/v1/inspections/{inspection.id}/scorecard.pdf").status_code == 404


def test_verify_page_says_current_or_superseded(client, finalized, db, inspection_world):
    inspection, *_ = finalized
    page = client.get(f"/reports/verify/{inspection.verification_code}")
    assert page.status_code == 200
    assert "finalized and current" in page.get_data(as_text=True)
    correction = correct_inspection(inspection, actor=inspection_world.officer,
                                    reason="更正录入错误")
    db.session.commit()
    page = client.get(f"/reports/verify/{inspection.verification_code}").get_data(as_text=True)
    assert "being corrected: its result stands until the correction is finalized" in page
    assert "superseded" not in page
    submit_inspection(correction, actor=inspection_world.inspector)
    finalize_inspection(correction, actor=inspection_world.officer)
    db.session.commit()
    page = client.get(f"/reports/verify/{inspection.verification_code}").get_data(as_text=True)
    assert "superseded" in page and "being corrected" not in page
    assert client.get("/reports/verify/NOSUCHCODE").status_code == 404


def test_the_scorecard_of_a_result_being_corrected_says_it_stands(as_user, finalized, db,
                                                                   inspection_world):
    inspection, *_ = finalized
    correct_inspection(inspection, actor=inspection_world.officer, reason="更正录入错误")
    db.session.commit()
    browser, _ = as_user("officer", region="a", locale="en")
    text = " ".join(pdf_text(browser.get(
        f"/reports/inspections/{inspection.id}/scorecard.pdf").data).split())
    assert "this result stands until the correction is finalized" in text
    assert "superseded" not in text
    page = browser.get(f"/evaluations/inspections/{inspection.id}").get_data(as_text=True)
    assert "Being corrected" in page and "Superseded" not in page


def test_city_mean_is_drawn_from_finalized_inspections(finalized, db):
    inspection, *_ = finalized
    means = city_section_means(inspection.template_id)
    scores = {e["section_id"]: e["score"] for e in inspection.section_scores}
    assert {sid: str(v) for sid, v in means.items()} == {
        sid: str(s) for sid, s in scores.items() if s is not None}


def test_scheduled_date_shown_when_not_submitted(schedule, as_user):
    inspection = schedule()
    browser, _ = as_user("officer", region="a")
    text = pdf_text(browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf").data)
    assert date(2026, 11, 10).isoformat() in text


def test_the_pdf_carries_a_qr_code_of_its_verification_url(app, as_user, finalized,
                                                           monkeypatch):
    from reports.scorecards import pdf

    encoded = []

    def spy(url, *args):
        encoded.append(url)
        return pdf_qr(url, *args)

    pdf_qr = pdf.verification_qr
    monkeypatch.setattr(pdf, "verification_qr", spy)
    inspection, *_ = finalized
    browser, _ = as_user("officer", region="a", locale="en")
    text = pdf_text(browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf").data)
    from reports.scorecards.services import verify_url

    with app.test_request_context():
        assert encoded == [verify_url(inspection.verification_code)]
    assert encoded[0].startswith("http") and encoded[0].endswith(inspection.verification_code)
    assert "Scan to verify this scorecard" in " ".join(text.split())


def _read_qr(qr) -> list[tuple[str, str]]:
    """What a reader decodes from the rectangles the flowable paints, rasterized: the text and
    the error correction level of each code found."""
    import zxingcpp
    from PIL import Image, ImageDraw

    scale = 8  # pixels per point
    side = round(qr.width * scale)
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in qr.runs():
        draw.rectangle([round(x * scale), round(side - (y + h) * scale),
                        round((x + w) * scale) - 1, round(side - y * scale) - 1], fill=0)
    return [(result.text, result.ec_level) for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("url", ["https://care.example.cn/verify/ABCD2345",
                                 "http://127.0.0.1:5000/verify/WXYZ-6789?lang=zh_CN",
                                 "https://民政局.咸宁.cn/verify/ABCD2345"])
def test_the_qr_code_drawn_reads_back_as_the_url_it_was_given(url):
    from reports.scorecards.qr import SIZE, verification_qr

    qr = verification_qr(url)
    assert _read_qr(qr) == [(url, "M")]  # M: still reads with 15 % of it smudged
    assert qr.wrap(500, 500) == (SIZE, SIZE)


def test_corrective_action_severity_is_a_label_in_the_pdf(as_user, finalized, inspection_world):
    from evaluations.actions.services import create_action

    inspection, *_ = finalized
    create_action(description="灭火器压力不足", severity="orange", deadline=date(2099, 12, 1),
                  inspection=inspection, actor=inspection_world.officer)
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    text = pdf_text(browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf").data)
    assert "灭火器压力不足" in text and "橙色" in text and "orange" not in text


def _scorecard_text(as_user, inspection) -> str:
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    response = browser.get(f"/reports/inspections/{inspection.id}/scorecard.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pdf_text(response.data)


# Rows taller than a page: reportlab cannot lay them out unless they split (a 500 before), and
# an official scorecard prints them whole, over as many pages as they take.
@pytest.mark.parametrize(("note", "part", "times"), [
    ("二楼走廊温度偏低，暖气片不热，老人反映夜间寒冷。" * 60, "映", 60),  # 1,440 chars
    ("https://example.cn/" + "q" * 1980, "q", 1980),  # one very long word (of the 2,000 allowed)
    ("复查\n" * 400, "复查", 400),  # hundreds of lines
])
def test_a_note_longer_than_a_page_is_printed_whole(as_user, db, inspection_world, schedule,
                                                   note, part, times):
    # counted by a word or letter found nowhere else: the table's header, repeated on each
    # page, may cut a longer phrase in two
    inspection, *_ = _finalized(db, inspection_world, schedule, note)
    assert _scorecard_text(as_user, inspection).count(part) == times


def test_a_finding_longer_than_a_page_is_printed_whole(as_user, db, inspection_world,
                                                      finalized):
    from evaluations.actions.services import create_action

    inspection, *_ = finalized
    create_action(description="消防通道堆放杂物，须清理。" * 150,  # 1,950 of the 2,000 allowed
                  severity="red", deadline=date(2099, 12, 1), inspection=inspection,
                  actor=inspection_world.officer)
    db.session.commit()
    assert _scorecard_text(as_user, inspection).count("堆放杂物") == 150
