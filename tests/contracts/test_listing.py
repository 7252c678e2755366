"""One statement builder per list: the same query through the HTML list and through the JSON
API answers the same rows, in the same order."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from contracts import services


@pytest.fixture
def world(db, on_day, make_contract, make_facility, make_procurement, qualified_provider):
    """Contracts, providers, facilities and procurements of county A, on 2026-11-15."""
    on_day(date(2026, 11, 15))
    care = qualified_provider(name="康乐养老服务中心")
    survey = qualified_provider(name="阳光社会工作服务中心")
    home = make_facility(name="甲一福利院", address="幸福路8号")
    make_facility(name="幸福敬老院", address="甲一路1号")
    w = SimpleNamespace(care=care, survey=survey, home=home)
    # numbers rise with creation; the earliest start is drafted last
    w.running = make_contract(title="甲区入户调查", provider=survey, status="active",
                              start_date=date(2026, 3, 1))
    w.ended = make_contract(title="甲区委托照料", provider=care, status="completed",
                            service_type="entrusted_care", targets={"children": 20},
                            facility=make_facility(name="甲区儿童福利中心", kind="child_welfare"),
                            start_date=date(2026, 2, 1), end_date=date(2026, 11, 30))
    w.draft = make_contract("a1", title="甲一福利院运营", provider=care, facility=home,
                            service_type="facility_operation", targets={"beds": 100},
                            start_date=date(2026, 1, 1))
    w.tender = make_procurement(title="甲区入户调查服务采购")
    make_procurement(title="甲一福利院运营服务采购", method="competitive_consultation",
                     budget=Decimal("90000.00"))
    w.tender.created_at = w.tender.created_at.replace(year=2027)  # newer than its id says
    db.session.commit()
    return w


def html_ids(browser, url: str) -> list[int]:
    response = browser.get(url)
    assert response.status_code == 200
    kind = url.split("?")[0].strip("/")
    found = re.findall(rf'href="/{kind}/(\d+)"', response.get_data(as_text=True))
    return [int(i) for i in dict.fromkeys(found)]


def api_ids(api, url: str) -> list[int]:
    response = api.get(f"/api/v1{url}")
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


# (list, HTML query, API query): each pair says the same thing in its door's names
SAME_QUERIES = [
    ("contracts", "", ""),
    ("contracts", "q=康乐", "q=康乐"),
    ("contracts", "q=入户", "q=入户"),
    ("contracts", "expiring=60", "expiring_within_days=60"),
    ("contracts", "status=active&service_type=household_survey",
     "status=active&service_type=household_survey"),
    ("contracts", "region=100100001", "region_code=100100001"),
    ("contracts", "facility={home}", "facility_id={home}"),
    ("contracts", "provider={care}&sort=end_date", "provider_id={care}&sort=end_date"),
    ("providers", "", ""),
    ("providers", "q={care_code_middle}", "q={care_code_middle}"),
    ("providers", "q=阳光&sort=-name", "q=阳光&sort=-name"),
    ("facilities", "", ""),
    ("facilities", "q=幸福", "q=幸福"),
    ("facilities", "kind=elderly_home&region=100100&sort=-name",
     "kind=elderly_home&region_code=100100&sort=-name"),
    ("procurements", "", ""),
    ("procurements", "q=福利院", "q=福利院"),
    ("procurements", "method=open_tender&status=open&region=100100",
     "method=open_tender&status=open&region_code=100100"),
    ("procurements", "sort=budget", "sort=budget"),
]


@pytest.mark.parametrize(("kind", "html_query", "api_query"), SAME_QUERIES)
def test_both_doors_answer_the_same_rows(world, as_user, api_as, kind, html_query, api_query):
    values = dict(home=world.home.id, care=world.care.id,
                  care_code_middle=world.care.credit_code[10:17])
    browser, _ = as_user("officer", region="a")
    api, _ = api_as("officer", region="a")
    through_html = html_ids(browser, f"/{kind}?{html_query.format(**values)}")
    through_api = api_ids(api, f"/{kind}?{api_query.format(**values)}")
    assert through_html == through_api
    assert through_html, "a query that finds nothing proves little"


def test_expiring_means_active_or_suspended_ending_soon(world, as_user, api_as):
    services.transition_contract(world.running, "suspended", actor=None, reason="整顿")
    browser, _ = as_user("officer", region="a")
    api, _ = api_as("officer", region="a")
    expected = [world.running.id]  # ends 2026-12-31; the completed one ends sooner, the draft too
    assert html_ids(browser, "/contracts?expiring=60") == expected
    assert api_ids(api, "/contracts?expiring_within_days=60") == expected


def test_the_api_refuses_what_the_html_list_ignores(world, as_user, api_as):
    browser, _ = as_user("officer", region="a")
    api, _ = api_as("officer", region="a")
    everything = html_ids(browser, "/contracts")
    assert html_ids(browser, "/contracts?sort=colour&status=open&region=999") == everything
    for query in ("sort=colour", "status=open", "region_code=999", "facility_id=99999999999",
                  "expiring_within_days=-1", "expiring_within_days=3000000"):
        assert api.get(f"/api/v1/contracts?{query}").status_code == 422, query
    assert api_ids(api, "/contracts?expiring_within_days=36500") == [world.running.id]
