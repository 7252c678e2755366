"""The review queue's filters (county, service type, period, late), kept across its pages."""

from __future__ import annotations

import pytest

from contracts.submissions import services as subs
from tests.clients import Browser

HS_DATA = {"households_visited": 100, "needy": {"dibao": 5}, "problems": ""}
FO_DATA = {"occupancy": {"self_care": 10}, "admissions": 1, "departures": 0, "staff": {},
           "fire_drills": 1, "complaints_received": 0, "complaints_resolved": 0,
           "incidents": []}


@pytest.fixture
def queue_world(app, db, report_contract, at_local, make_user):
    """Reports waiting in county A (household survey: March on time, April late) and in
    county B (facility operation, March), and a city officer."""
    a, provider_a = report_contract()
    b, provider_b = report_contract("facility_operation", region="b")
    at_local(2026, 4, 5, 9, 0)
    subs.submit_report(a, "2026-03", HS_DATA, actor=provider_a)
    subs.submit_report(b, "2026-03", FO_DATA, actor=provider_b)
    at_local(2026, 5, 20, 9, 0)  # April's report was due on 10 May
    subs.submit_report(a, "2026-04", HS_DATA, actor=provider_a)
    db.session.commit()
    browser = Browser(app.test_client())
    assert browser.login(make_user("officer")).status_code == 302
    return a, b, browser


def rows(page: str) -> int:
    return page.count('class="btn btn-sm btn-outline-primary" href="/submissions/')


@pytest.mark.parametrize("query, expected", [
    ("", 3), ("county=100100", 2), ("county=100200", 1), ("service_type=facility_operation", 1),
    ("period=2026-04", 1), ("late=1", 1), ("county=100100&period=2026-03", 1),
    ("county=nonsense&period=13&service_type=x", 3),  # unreadable values are ignored
])
def test_filters_narrow_the_queue(queue_world, query, expected):
    *_, browser = queue_world
    response = browser.get(f"/review-queue?{query}")
    assert response.status_code == 200
    assert rows(response.get_data(as_text=True)) == expected


def test_the_filter_form_offers_counties_and_periods_and_keeps_the_choice(queue_world):
    *_, browser = queue_world
    page = browser.get("/review-queue?county=100200&late=1").get_data(as_text=True)
    assert '<option value="100200" selected>' in page and 'name="late" value="1" id="late" checked' in page
    assert '<option value="2026-04"' in page and '<option value="2026-03"' in page


def test_pages_keep_the_filters(queue_world, monkeypatch):
    import contracts.web

    monkeypatch.setattr(contracts.web, "PER_PAGE", 1)
    monkeypatch.setattr(contracts.web.paginate, "__defaults__", (1,))
    *_, browser = queue_world
    page = browser.get("/review-queue?county=100100").get_data(as_text=True)
    assert rows(page) == 1 and "county=100100&amp;page=2" in page


def test_a_county_officer_sees_only_their_county_whatever_the_filter(app, queue_world,
                                                                     make_user):
    browser = Browser(app.test_client())
    browser.login(make_user("officer", region="a"))
    assert rows(browser.get("/review-queue?county=100200").get_data(as_text=True)) == 0
    assert rows(browser.get("/review-queue").get_data(as_text=True)) == 2
    assert browser.get("/review-queue?county=100200").status_code == 200
