"""The inspection plan, through the API and the page: ranked by risk, due dates with their
reasons, scoped to the officer's area, for officers and admins only."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.extensions import db as _db
from contracts.submissions.models import Submission, SubmissionStatus
from evaluations.actions.models import CorrectiveAction, Severity
from evaluations.inspections.services import correct_inspection
from reports.planning.services import inspection_plan
from tests.clients import error_of
from tests.reports.planning.conftest import TODAY


def _plan(api, **query):
    response = api.get("/api/v1/inspection-plan", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_vetoed_home_is_due_before_the_clean_one_and_says_why(city, api_login):
    body = _plan(api_login(city.officer))
    ids = [i["facility_id"] for i in body["items"]]
    assert ids == [city.vetoed.id, city.clean.id]  # county B's home is not the officer's
    vetoed, clean = body["items"]
    assert vetoed["risk"] > clean["risk"] and vetoed["next_due"] < clean["next_due"]
    assert clean["next_due"] == "2027-03-02" and clean["last_onsite"] == "2026-03-02"
    codes = {r["code"]: r for r in vetoed["reasons"]}
    assert codes["veto_failure"]["points"] == 40
    assert codes["interval"]["text"].startswith("Last inspected on site 2026-03-02")
    assert "never a verdict" in body["note"]
    assert {"veto_failure", "base_interval_days"} <= {w["key"] for w in body["weights"]}


def test_the_city_officer_sees_every_county_and_a_home_never_inspected_is_due_now(
        city, api_login, make_user):
    body = _plan(api_login(make_user("officer")))
    order = [i["facility_id"] for i in body["items"]]
    assert order == [city.vetoed.id, city.far.id, city.clean.id]
    far = body["items"][1]
    assert far["next_due"] == TODAY.isoformat() and far["last_onsite"] is None
    assert [r["code"] for r in far["reasons"]] == ["never_inspected"]
    only_b = _plan(api_login(make_user("officer")), region_code="100200")
    assert [i["facility_id"] for i in only_b["items"]] == [city.far.id]


def test_a_home_not_yet_opened_is_not_due_for_a_visit(city, api_login, make_user,
                                                     make_facility):
    """A home opening next January was at the top of the plan, never inspected and "due"
    today, with no residents and no operator to inspect; the yearly coverage leaves it out."""
    soon = make_facility("b1", name="乙二养老院", opened_on=date(2027, 1, 15))
    body = _plan(api_login(make_user("officer")))
    assert soon.id not in [i["facility_id"] for i in body["items"]]
    assert [i["facility_id"] for i in body["items"]] == [city.vetoed.id, city.far.id,
                                                        city.clean.id]


def test_before_keeps_what_falls_due_before_that_day(city, api_login, make_user):
    body = _plan(api_login(make_user("officer")), before="2026-12-01")
    assert {i["facility_id"] for i in body["items"]} == {city.vetoed.id, city.far.id}
    assert body["total"] == 2
    paged = _plan(api_login(make_user("officer")), per_page=1, page=2)
    assert [i["facility_id"] for i in paged["items"]] == [city.far.id]


def test_a_result_being_corrected_is_no_visit_still_to_come(city, api_login, db):
    """A correction (an appeal upheld, say) is a new version of the March visit, dated by it:
    the plan must not say the home has a visit scheduled on a day in March."""
    correct_inspection(city.vetoed_inspection, actor=city.officer, reason="申诉复核")
    db.session.commit()
    body = _plan(api_login(city.officer))
    vetoed = next(i for i in body["items"] if i["facility_id"] == city.vetoed.id)
    assert vetoed["scheduled_for"] is None
    assert vetoed["last_onsite"] == "2026-03-02"


def test_outside_the_area_or_bad_input_is_422_and_other_roles_403(city, api_login, make_user):
    officer = api_login(city.officer)
    outside = officer.get("/api/v1/inspection-plan?region_code=100200")
    assert outside.status_code == 422 and "region_code" in error_of(outside)["fields"]
    assert officer.get("/api/v1/inspection-plan?region_code=999999").status_code == 422
    assert officer.get("/api/v1/inspection-plan?before=2026-13-01").status_code == 422
    assert officer.get("/api/v1/inspection-plan?page=99999999999999999999").status_code == 422
    for role in ("inspector", "provider"):
        assert api_login(make_user(role)).get("/api/v1/inspection-plan").status_code == 403
    assert _db and api_login(make_user("admin")).get("/api/v1/inspection-plan").status_code == 200


def test_overdue_actions_incidents_and_late_reports_raise_a_home(city, api_login, db):
    before = _plan(api_login(city.officer))["items"][1]
    assert before["facility_id"] == city.clean.id
    db.session.add(CorrectiveAction(
        facility_id=city.clean.id, provider_id=city.provider.id, region_id=city.clean.region_id,
        description="消防通道堵塞", severity=Severity.RED, deadline=date(2026, 5, 1)))
    at = datetime(2026, 5, 20, tzinfo=UTC)
    city.contract.facility_id = city.clean.id  # the operator now runs the clean home
    db.session.add(Submission(
        contract_id=city.contract.id, period="2026-04", status=SubmissionStatus.SUBMITTED,
        submitted_at=at, first_submitted_at=at, late=True,
        data={"incidents": [{"risk": "falls", "severity": "major", "count": 2}]}))
    db.session.commit()
    after = next(i for i in _plan(api_login(city.officer))["items"]
                 if i["facility_id"] == city.clean.id)
    codes = {r["code"]: r["points"] for r in after["reasons"]}
    assert codes["action_red"] == 30  # one red action, overdue: counted twice
    assert codes["incident_major"] == 30 and codes["late_report"] == 3
    assert after["risk"] > before["risk"] and after["next_due"] < before["next_due"]


def test_household_survey_contracts_are_planned_too(city, api_login, make_contract):
    contract = make_contract(status="active")
    body = _plan(api_login(city.officer))
    (item,) = [i for i in body["items"] if i["contract_id"] == contract.id]
    assert item["facility_id"] is None and item["next_due"] == TODAY.isoformat()


def test_the_plan_takes_a_handful_of_statements_whatever_the_number_of_homes(
        city, make_facility, make_user, db):
    officer = make_user("officer")
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        inspection_plan(officer, today=TODAY)
        few = len(statements)
        for n in range(15):
            make_facility("a1", name=f"新建福利院{n}")
        db.session.expire_all()
        officer = db.session.get(type(officer), officer.id)
        statements.clear()
        inspection_plan(officer, today=TODAY)
        assert len(statements) <= few
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert few <= 8


def test_the_page_lists_the_plan_with_the_reasons_and_the_warning(city, as_user, client):
    browser, _officer = as_user("officer", region="a")
    page = browser.get("/reports/inspection-plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "never a verdict" in html and "甲一福利院" in html and "甲二敬老院" in html
    assert "乙一福利院" not in html  # county B
    assert html.index("甲一福利院") < html.index("甲二敬老院")
    assert 'data-reason="veto_failure"' in html and "veto_failure" in html
    assert browser.get("/reports/inspection-plan?region_code=100200").status_code == 422
    assert browser.get("/reports/inspection-plan?before=2026-12-01").status_code == 200
    for role in ("inspector", "provider"):
        other, _u = as_user(role)
        assert other.get("/reports/inspection-plan").status_code == 403
    assert client.get("/reports/inspection-plan").status_code == 302


def test_the_page_shows_the_reasons_in_chinese(city, as_user):
    browser, _officer = as_user("officer", region="a", locale="zh_CN")
    html = browser.get("/reports/inspection-plan").get_data(as_text=True)
    assert "风险分值只是查看的理由，从不是结论" in html
    assert "回溯期内 1 项一票否决项未通过。" in html
    assert "为何是这个日期" in html


def test_the_configured_weights_are_used_and_shown(city, api_login, app, monkeypatch):
    monkeypatch.setitem(app.config, "INSPECTION_RISK_WEIGHTS", {"veto_failure": 0,
                                                                "grade_fail": 0})
    body = _plan(api_login(city.officer))
    vetoed = next(i for i in body["items"] if i["facility_id"] == city.vetoed.id)
    assert vetoed["risk"] == 0 and vetoed["next_due"] == "2027-03-02"
    assert {w["key"]: w["value"] for w in body["weights"]}["veto_failure"] == 0


def test_a_cancelled_visit_is_no_visit_made_nor_to_come(city, api_login, schedule, db):
    """A visit called off never happened: the home's last on-site visit stays the one made,
    and nothing is planned for it."""
    from evaluations.inspections.assignment import cancel_inspection

    called_off = schedule(facility=city.clean, scheduled_for=date(2026, 5, 20))
    cancel_inspection(called_off, reason="与专项检查重复", actor=city.officer)
    db.session.commit()
    clean = next(i for i in _plan(api_login(city.officer))["items"]
                 if i["facility_id"] == city.clean.id)
    assert clean["last_onsite"] == "2026-03-02" and clean["next_due"] == "2027-03-02"
    assert clean["scheduled_for"] is None
