"""Excel exports of results: filtered, scoped rows with labels in the user's
language, section scores as columns per template, item answers, performance by contract."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import correct_inspection, schedule_inspection
from reports.performance.figures import PerformanceFigure
from tests.clients import PASSWORD, Browser

TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def late_november(fixed_today):
    fixed_today(TODAY)


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.get_data()))


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def login(app, user, locale: str | None = None) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user, PASSWORD).status_code == 302
    if locale:
        browser.post("/language", {"locale": locale})
    return browser


def finalize(db, inspection, total: str, grade: str, scores: dict | None = None):
    inspection.total, inspection.grade = Decimal(total), grade
    inspection.section_scores = [{"section_id": s.id, "score": str(scores.get(s.key, "100.0"))}
                                 for s in inspection.template.sections] if scores is not None \
        else None
    inspection.status = InspectionStatus.FINALIZED
    db.session.commit()
    return inspection


@pytest.fixture
def world_b(db, make_facility, make_user, make_operation_contract):
    facility = make_facility("b1", name="乙一敬老院")
    contract = make_operation_contract(facility, region="b")
    return SimpleNamespace(facility=facility, contract=contract,
                           inspector=make_user("inspector", region="b"))


def test_inspection_results_one_sheet_per_template_with_section_columns_in_chinese(
        db, app, inspection_world, world_b, make_scored_inspection, make_template):
    w = inspection_world
    first = finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 1)), "95.5",
                     "excellent", {"heating": "87.5"})
    make_scored_inspection(w, scheduled_for=date(2026, 4, 1))                 # submitted
    safety = make_template("safety")
    other = make_scored_inspection(type(w)(**{**vars(w), "template": safety}),
                                   scheduled_for=date(2026, 5, 1))
    finalize(db, other, "70", "pass", {})
    finalize(db, make_scored_inspection(w, facility=world_b.facility,
                                        inspector=world_b.inspector), "60", "pass", {})

    book = workbook(login(app, w.officer, "zh_CN").get("/reports/exports/inspections.xlsx"))

    assert len(book.worksheets) == 2
    winter, safe = book.worksheets
    assert winter.title.startswith("冬暖工程检查") and safe.title.startswith("平安工程")
    data = rows(winter)
    header = list(data[0])
    assert [r[header[0]] for r in data] == [first.id, first.id + 1]      # not county B's
    assert [s.name_zh for s in w.template.sections] == header[14:14 + len(w.template.sections)]
    row = data[0]
    assert row["等级"] == "优秀" and row["合计"] == 95.5
    assert row[w.template.sections[0].name_zh] == 87.5
    assert row["县(市、区)"] == "甲区" and row["机构"] == w.facility.name
    assert row["承接主体"] == w.provider.name
    assert [s.name_zh for s in safety.sections][0] in [c.value for c in safe[1]]


def test_a_custom_grade_code_shows_its_label_not_the_code(db, app, inspection_world,
                                                        make_scored_inspection):
    w = inspection_world
    w.template.grade_bands = [
        {"grade": "level_1", "min_score": 90, "label": {"zh_CN": "一级", "en": "Level one"}},
        {"grade": "unrated", "min_score": 0, "label": {"zh_CN": "未定级", "en": "Unrated"}}]
    finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 1)), "95", "level_1", {})

    chinese = rows(workbook(login(app, w.officer, "zh_CN").get(
        "/reports/exports/inspections.xlsx")).worksheets[0])
    english = rows(workbook(login(app, w.officer, "en").get(
        "/reports/exports/inspections.xlsx")).worksheets[0])
    assert chinese[0]["等级"] == "一级" and english[0]["Grade"] == "Level one"


def test_inspection_filters(db, app, inspection_world, world_b, make_scored_inspection,
                           make_user):
    w = inspection_world
    march = finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 1)), "90",
                     "excellent", {})
    finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 9, 1)), "90", "excellent",
             {})
    submitted = make_scored_inspection(w, scheduled_for=date(2026, 3, 2))
    theirs = finalize(db, make_scored_inspection(w, facility=world_b.facility,
                                                 inspector=world_b.inspector,
                                                 scheduled_for=date(2026, 3, 3)),
                      "80", "good", {})
    browser = login(app, make_user("admin"))

    def ids(query: str) -> list[int]:
        book = workbook(browser.get(f"/reports/exports/inspections.xlsx?{query}"))
        return [r["Inspection ID"] for sheet in book.worksheets for r in rows(sheet)]

    assert ids("from=2026-03-01&to=2026-03-31") == [march.id, submitted.id, theirs.id]
    assert ids("from=2026-03-01&to=2026-03-31&status=finalized") == [march.id, theirs.id]
    assert ids(f"county={w.regions['b'].id}") == [theirs.id]
    assert ids(f"template_id={w.template.id}&status=submitted") == [submitted.id]
    assert browser.get("/reports/exports/inspections.xlsx?status=bogus").status_code == 422
    assert browser.get("/reports/exports/inspections.xlsx?from=3/1/2026").status_code == 422


def test_item_answers_one_row_per_answer_with_labels_and_masked_notes(
        db, app, inspection_world, make_scored_inspection):
    w = inspection_world
    inspection = make_scored_inspection(w, {"room_temperature": 2.5, "smoke_detectors": False,
                                            "boiler_safety": "na"})
    note = next(a for a in inspection.answers if a.item.key == "room_temperature")
    note.note = "张三 421202198001011234 房间偏冷"
    db.session.commit()
    finalize(db, inspection, "60", "fail", {})

    book = workbook(login(app, w.officer, "zh_CN").get("/reports/exports/answers.xlsx"))
    data = rows(book.active)

    assert len(data) == len(w.template.items)
    by_text = {r["评估项目"]: r for r in data}
    items = {i.key: i for i in w.template.items}
    # the workbook shows the text as the inspector read it, the template's parameters filled in
    room = by_text[items["room_temperature"].text("zh_CN")]
    assert "不低于18℃" in items["room_temperature"].text("zh_CN")
    # a reading item: the points it earned, and the measured reading they follow from
    assert room["答复"] == 2.5 and room["类型"] == "实测读数" and room["一票否决"] == "否"
    assert room["实测读数"] == 16
    bedding = by_text[items["bedding"].text_zh]
    assert bedding["类型"] == "计分" and bedding["实测读数"] is None
    assert "421202198001011234" not in room["备注"] and "421202********1234" in room["备注"]
    smoke = by_text[items["smoke_detectors"].text_zh]
    assert smoke["答复"] == "否" and smoke["一票否决"] == "是"
    assert by_text[items["boiler_safety"].text_zh]["答复"] == "不适用"
    assert by_text[items["heating_working"].text_zh]["答复"] == "是"
    assert room["评估部分"] == items["room_temperature"].section.name_zh


def test_a_provider_exports_only_its_own_finalized_inspections(
        db, app, inspection_world, world_b, make_scored_inspection, make_user):
    w = inspection_world
    mine = finalize(db, make_scored_inspection(w), "90", "excellent", {})
    make_scored_inspection(w, scheduled_for=date(2026, 7, 1))                 # not finalized
    finalize(db, make_scored_inspection(w, facility=world_b.facility,
                                        inspector=world_b.inspector), "80", "good", {})
    browser = login(app, w.provider_user)

    book = workbook(browser.get("/reports/exports/inspections.xlsx"))
    assert [r["Inspection ID"] for r in rows(book.active)] == [mine.id]
    answers = rows(workbook(browser.get("/reports/exports/answers.xlsx")).active)
    assert {r["Inspection ID"] for r in answers} == {mine.id}
    other = world_b.contract.provider_id
    assert browser.get(f"/reports/exports/inspections.xlsx?provider_id={other}"
                       ).status_code == 404
    assert browser.get(f"/reports/exports/performance.xlsx?provider_id={other}"
                       ).status_code == 404


def test_a_result_is_corrected_by_its_correction_once_that_is_finalized(
        db, app, inspection_world, make_scored_inspection):
    """While the correction is being filled in the result stands, and the provider may not see
    the correction: "Corrected by" stays empty until it is finalized."""
    w = inspection_world
    result = finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, 2)), "55",
                      "fail", {})
    correction = correct_inspection(result, actor=w.officer, reason="复核")
    db.session.commit()

    def corrected_by(user) -> dict:
        book = workbook(login(app, user).get("/reports/exports/inspections.xlsx"))
        return {r["Inspection ID"]: r["Corrected by (ID)"] for r in rows(book.active)}

    assert corrected_by(w.provider_user) == {result.id: None}
    assert corrected_by(w.officer)[result.id] is None
    finalize(db, correction, "61", "pass", {})
    assert corrected_by(w.provider_user) == {result.id: correction.id,
                                             correction.id: None}


def test_performance_by_contract(db, app, inspection_world, world_b, make_contract,
                                 make_scored_inspection):
    w = inspection_world
    finalize(db, make_scored_inspection(w), "90", "excellent", {})
    survey = make_contract(region="a", status="active")
    make_contract(region="a")                                               # a draft: no row

    browser = login(app, w.officer, "zh_CN")
    data = rows(workbook(browser.get("/reports/exports/performance.xlsx?period=2026")).active)
    assert sorted(r["服务合同编号"] for r in data) == sorted([w.contract.number, survey.number])
    row = next(r for r in data if r["服务合同编号"] == w.contract.number)
    assert row["服务类型"] == "机构运营" and row["期间"] == "2026"
    assert row["检查"] == 90 and row["承接主体"] == w.provider.name
    assert row["等级"] in {"优秀", "良好", "合格", "不合格"}
    only = rows(workbook(browser.get(
        "/reports/exports/performance.xlsx?period=2026-Q2&service_type=household_survey")).active)
    assert [(r["服务合同编号"], r["期间"]) for r in only] == [(survey.number, "2026-Q2")]
    assert browser.get("/reports/exports/performance.xlsx?period=26").status_code == 422

    provider = rows(workbook(login(app, w.provider_user).get(
        "/reports/exports/performance.xlsx")).active)
    assert [r["Contract number"] for r in provider] == [w.contract.number]
    inspector = login(app, w.inspector)
    assert inspector.get("/reports/exports/performance.xlsx").status_code == 403


@pytest.mark.parametrize("period", ["0000", "0000-Q1", "9999-Q4"])
def test_a_period_of_no_sane_year_is_refused_by_the_filter(app, inspection_world, period):
    """Year 0 is no date, and 9999-Q4 ends in year 10000: a 422, as the coverage page says."""
    response = login(app, inspection_world.officer, "en").get(
        f"/reports/exports/performance.xlsx?period={period}")
    assert response.status_code == 422
    assert "Give a year between 1900 and 2999." in response.get_data(as_text=True)


def test_the_performance_export_reads_the_kept_figures_and_says_what_computing_says(
        db, app, inspection_world, make_contract, make_scored_inspection, count_queries):
    """Computing each contract's performance took 4.4 s for a city: the export reads the
    figures kept today, in statements that do not grow with the contracts."""
    w = inspection_world
    finalize(db, make_scored_inspection(w), "72", "pass", {})
    suspended = make_contract(region="a", status="suspended")  # no kept figure: computed
    browser = login(app, w.officer)

    def exported() -> dict:
        with count_queries() as log:
            book = workbook(browser.get("/reports/exports/performance.xlsx?period=2026"))
        return {r["Contract number"]: r for r in rows(book.active)}, len(log)

    kept, statements = exported()
    for _ in range(3):
        make_contract(region="a", status="active")
    more, more_statements = exported()
    assert more_statements == statements and len(more) == len(kept) + 3
    assert kept[w.contract.number]["Inspections"] == 72 and suspended.number in kept

    db.session.execute(sa.update(PerformanceFigure).values(computed_on=TODAY - timedelta(days=1)))
    db.session.commit()  # yesterday's figures are not used: every row is computed again
    computed, computed_statements = exported()
    assert computed == more and computed_statements > more_statements


def test_the_exports_page_links_from_the_dashboard(db, app, inspection_world):
    browser = login(app, inspection_world.officer)
    page = browser.get("/reports/dashboard").get_data(as_text=True)
    assert "/reports/exports/inspections.xlsx" in page and "/reports/exports" in page
    page = browser.get("/reports/exports").get_data(as_text=True)
    assert 'name="template_id"' in page and 'name="county"' in page
    assert 'name="period"' in page and 'name="service_type"' in page


def test_an_export_too_large_is_refused_on_the_filter_page_and_a_narrower_one_is_written(
        db, app, inspection_world, make_scored_inspection, make_user, monkeypatch):
    """A city's answers in one workbook took 16 GB and minutes: the filters must narrow it."""
    monkeypatch.setitem(app.config, "EXPORT_MAX_INSPECTIONS", 2)
    monkeypatch.setitem(app.config, "EXPORT_MAX_ANSWERED_INSPECTIONS", 1)
    w = inspection_world
    for day in (1, 2, 3):
        finalize(db, make_scored_inspection(w, scheduled_for=date(2026, 3, day)), "90",
                 "excellent", {})
    browser = login(app, make_user("admin"))
    for url, count, limit in (("inspections.xlsx", 3, 2), ("answers.xlsx", 3, 1),
                              ("answers.xlsx?from=2026-03-02", 2, 1)):
        refused = browser.get(f"/reports/exports/{url}")
        assert refused.status_code == 422, url
        page = refused.get_data(as_text=True)
        assert (f"These filters match {count} inspections; one export holds at most {limit}."
                in page), url
        assert 'id="export-inspections"' in page  # the filters, to narrow
    kept = browser.get("/reports/exports/answers.xlsx?from=2026-03-02").get_data(as_text=True)
    assert 'value="2026-03-02"' in kept
    assert len(rows(workbook(browser.get(
        "/reports/exports/inspections.xlsx?from=2026-03-02")).worksheets[0])) == 2
    answers = rows(workbook(browser.get(
        "/reports/exports/answers.xlsx?from=2026-03-03")).worksheets[0])
    assert answers and {r["Inspection ID"] for r in answers} == {
        max(r["Inspection ID"] for r in answers)}


@pytest.mark.parametrize("name", ["EXPORT_MAX_INSPECTIONS", "EXPORT_MAX_ANSWERED_INSPECTIONS"])
def test_an_export_bound_below_one_refuses_to_start(name):
    from app.factory import create_app
    from config import ConfigError, TestingConfig

    broken = type("Broken", (TestingConfig,), {name: 0})
    with pytest.raises(ConfigError, match=name):
        create_app(broken)


def test_the_template_filter_offers_the_versions_of_the_inspections_one_may_see(
        db, app, inspection_world, world_b, make_scored_inspection, make_template, make_user):
    w = inspection_world
    finalize(db, make_scored_inspection(w), "90", "excellent", {})
    safety = make_template("safety")  # used only in county B, not finalized
    schedule_inspection(template=safety, inspector=world_b.inspector,
                        scheduled_for=date(2026, 11, 3), facility=world_b.facility)
    db.session.commit()
    make_template("quality")  # used nowhere

    def offered(user) -> set[int]:
        page = login(app, user).get("/reports/exports").get_data(as_text=True)
        select = page.split('name="template_id"')[1].split("</select>")[0]
        return {int(n) for n in re.findall(r'<option value="(\d+)"', select)}

    assert offered(make_user("admin")) == {w.template.id, safety.id}
    assert offered(w.officer) == {w.template.id}          # county A
    assert offered(make_user("officer", region="b")) == {safety.id}
    assert offered(w.provider_user) == {w.template.id}    # its own, finalized
