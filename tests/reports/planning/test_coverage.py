"""The yearly on-site coverage (养老机构管理办法 art. 38): the homes not yet inspected on site
this year by county, with days left; the reminder to county officers in the last quarter."""

from datetime import date

from reports.planning.coverage import days_left_in, yearly_coverage
from reports.planning.reminders import COVERAGE_DUE
from tests.factories import notices, on, run_ok
from tests.reports.planning.conftest import TODAY, carried_out


def test_days_left_count_today_and_end_at_zero():
    assert days_left_in(2026, date(2026, 12, 31)) == 1
    assert days_left_in(2026, date(2026, 10, 1)) == 92
    assert days_left_in(2025, date(2026, 1, 1)) == 0
    assert days_left_in(2027, date(2026, 6, 1)) == 365


def test_the_api_lists_the_homes_not_inspected_this_year_by_county(city, api_login, make_user,
                                                                 schedule, make_facility):
    child = make_facility("a1", name="甲区儿童福利院", kind="child_welfare")  # not art. 38
    planned = schedule(facility=city.far, scheduled_for=date(2026, 11, 3), actor=None,
                       inspector=make_user("inspector"))
    body = api_login(make_user("officer")).get("/api/v1/reports/coverage?year=2026").get_json()
    assert body["year"] == 2026 and body["days_left"] == (date(2026, 12, 31) - TODAY).days + 1
    assert body["homes"] == 3 and body["not_inspected"] == 1
    a, b = body["counties"]
    assert (a["county_code"], a["homes"], a["inspected"], a["missing"]) == ("100100", 2, 2, [])
    assert b["county_code"] == "100200" and b["missing"] == [
        {"facility_id": city.far.id, "name": "乙一福利院", "region_code": "100200101",
         "scheduled_for": planned.scheduled_for.isoformat()}]
    assert child.id not in {m["facility_id"] for c in body["counties"] for m in c["missing"]}
    last_year = api_login(make_user("officer")).get("/api/v1/reports/coverage?year=2025")
    assert last_year.get_json()["not_inspected"] == 3 and last_year.get_json()["days_left"] == 0


def test_the_api_names_each_county_in_both_languages_as_the_regions_api_does(
        city, api_login, make_user):
    """The county came in Chinese only, whatever the caller's language, while
    ``/api/v1/regions`` gives ``name`` and ``name_en``."""
    api = api_login(make_user("officer", region="city"))
    body = api.get("/api/v1/reports/coverage?year=2026",
                   headers={"Accept-Language": "en"}).get_json()
    assert [(c["county_code"], c["county_name"], c["county_name_en"])
            for c in body["counties"]] == [("100100", "甲区", "A District"),
                                           ("100200", "乙县", "B County")]
    regions = api.get("/api/v1/regions?q=甲区").get_json()["items"]
    assert [(r["name"], r["name_en"]) for r in regions] == [("甲区", "A District")]
    schema = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "county_name_en" in schema["CountyCoverage"]["properties"]


def test_a_submitted_inspection_counts_a_scheduled_one_does_not(city, db, schedule):
    carried_out(db, city, schedule, city.vetoed, day=date(2026, 5, 5), finalize=False)
    on(TODAY)
    result = yearly_coverage(city.officer, 2026)
    assert result.missing == 0 and result.homes == 2  # officer of A: county B unseen


def test_a_home_counts_from_the_year_it_opened(city, api_login, make_facility):
    """A home opened in March 2026 was not there to inspect in 2025: no gap of that year."""
    new_home = make_facility("a1", name="甲三新建养老院", opened_on=date(2026, 3, 1))
    api = api_login(city.officer)

    def missing(year: int) -> set[int]:
        body = api.get(f"/api/v1/reports/coverage?year={year}").get_json()
        return {m["facility_id"] for c in body["counties"] for m in c["missing"]}

    assert missing(2025) == {city.vetoed.id, city.clean.id}  # no opening day: counted
    assert missing(2026) == {new_home.id}


def test_scoping_and_roles(city, api_login, make_user, as_user):
    officer = api_login(city.officer)
    body = officer.get("/api/v1/reports/coverage").get_json()
    assert [c["county_code"] for c in body["counties"]] == ["100100"]
    assert officer.get("/api/v1/reports/coverage?region_code=100200").status_code == 422
    assert officer.get("/api/v1/reports/coverage?year=99999").status_code == 422
    for role in ("inspector", "provider"):
        assert api_login(make_user(role)).get("/api/v1/reports/coverage").status_code == 403
        browser, _u = as_user(role)
        assert browser.get("/reports/coverage").status_code == 403


def test_the_page_shows_each_county_and_the_days_left(city, as_user):
    browser, _u = as_user("officer")
    html = browser.get("/reports/coverage?year=2026").get_data(as_text=True)
    assert 'data-county="100200"' in html and "乙一福利院" in html
    assert "214 day(s) left in 2026." in html
    assert browser.get("/reports/coverage?year=0").status_code == 422
    superscripts = "%C2%B2" * 4  # "²²²²": digits to str.isdigit, none to int
    assert browser.get(f"/reports/coverage?year={superscripts}").status_code == 422
    mine, _o = as_user("officer", region="a")
    html = mine.get("/reports/coverage").get_data(as_text=True)
    assert "乙一福利院" not in html and "Every home inspected." in html


def test_the_county_officer_is_reminded_in_the_last_quarter_once_a_month(
        city, app, db, make_user):
    b_officer = make_user("officer", region="b")
    a_officer = city.officer
    on(date(2026, 9, 30))
    run_ok(app, "reports.coverage_reminders")
    assert notices(db, kind=COVERAGE_DUE) == []
    on(date(2026, 10, 1))
    run_ok(app, "reports.coverage_reminders")
    run_ok(app, "reports.coverage_reminders")  # again the same month: nobody told twice
    (notice,) = notices(db, kind=COVERAGE_DUE)
    assert notice.user_id == b_officer.id and "乙一福利院" in notice.body
    assert "92" in notice.body and notice.link == "/reports/coverage?year=2026&region_code=100200"
    assert notices(db, a_officer, kind=COVERAGE_DUE) == []  # county A is covered
    on(date(2026, 11, 2))
    run_ok(app, "reports.coverage_reminders")
    assert len(notices(db, b_officer, kind=COVERAGE_DUE)) == 2
