"""Statement counts of every list page, API list and dashboard: the same at two data sizes and
for 10 or 50 rows a page (no query per row), and at most 12 a page (API tokens and sessions
included)."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from flask import current_app

from evaluations.assessment.builtin import load_builtin
from tests.clients import Browser
from tests.perf.world import add, base

LIMIT = 12
TODAY = date(2026, 11, 20)

PAGES = {
    "officer": ["/", "/reports/dashboard", "/contracts", "/contracts?provider_id=1",
                "/providers", "/facilities", "/procurements", "/evaluations/inspections",
                "/evaluations/actions", "/evaluations/campaigns", "/reports/appeals",
                "/review-queue", "/spot-checks", "/contracts/{survey}/households",
                "/evaluations/actions?provider_id=1", "/providers/suggest?q=1",
                "/evaluations/actions/providers?q=1",
                "/households/anomalies", "/households/standards", "/procurements/red-flags",
                "/notifications/", "/reports/coverage", "/reports/inspection-plan",
                "/reports/exports", "/evaluations/templates", "/contracts/{survey}",
                "/reports/contracts/{survey}/performance",
                "/reports/contracts/{survey}/scorecard.pdf",
                # the forms that offer every home, contract and provider
                "/contracts/new", "/evaluations/inspections/new", "/evaluations/actions/new"],
    "admin": ["/", "/admin/audit/", "/admin/users/", "/admin/regions/", "/admin/scheduler/"],
    "inspector": ["/", "/reports/dashboard", "/evaluations/inspections", "/evaluations/actions"],
    "provider": ["/", "/reports/dashboard", "/contracts", "/evaluations/inspections",
                 "/evaluations/actions", "/my-reports", "/my-organization", "/notifications/"],
}
APIS = {
    "officer": ["/api/v1/contracts", "/api/v1/providers", "/api/v1/facilities",
                "/api/v1/procurements", "/api/v1/inspections", "/api/v1/corrective-actions",
                "/api/v1/appeals", "/api/v1/campaigns", "/api/v1/templates",
                "/api/v1/contracts/{survey}/households",
                "/api/v1/contracts/{survey}/submissions", "/api/v1/red-flags", "/api/v1/regions",
                "/api/v1/inspection-plan", "/api/v1/reports/coverage",
                "/api/v1/assistance-standards", "/api/v1/ocds/releases.json",
                "/api/v1/ocds/records.json"],
    "provider": ["/api/v1/contracts", "/api/v1/inspections", "/api/v1/corrective-actions"],
}


@pytest.fixture
def grow(db, fixed_today, make_user, make_provider, make_contract, make_facility,
         make_operation_contract, make_template, make_scored_inspection):
    """``grow(n)`` → the world with ``n`` more of everything."""
    fixed_today(TODAY)
    w = base(make_user, make_provider, make_template)

    def more(n: int):
        return add(db, w, n, make_contract=make_contract, make_facility=make_facility,
                   make_operation_contract=make_operation_contract,
                   make_scored_inspection=make_scored_inspection)

    return more


def counts(get, urls, world, count_queries) -> dict[str, int]:
    found = {}
    for name in urls:
        url = name.format(survey=world.survey.id)
        get(url)  # warm: templates compiled, the session's user loaded once
        with count_queries() as log:
            response = get(url)
        assert response.status_code == 200, (url, response.status_code)
        found[name] = len(log)
    return found


def login(role, world, as_user):
    """A browser of an officer of A, the world's inspector, or a user of its provider."""
    if role == "inspector":
        browser = Browser(current_app.test_client())
        assert browser.login(world.inspector).status_code == 302
        return browser, world.inspector
    kwargs = {"provider": world.provider} if role == "provider" else {"region": "a"}
    return as_user(role, **kwargs)


def compare(small: dict, large: dict) -> None:
    grew = {u: (small[u], large[u]) for u in small if small[u] != large[u]}
    assert not grew, f"statements grew with the data: {grew}"
    assert max(large.values()) <= LIMIT, {u: n for u, n in large.items() if n > LIMIT}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_send_few_statements_whatever_the_size(role, grow, as_user, count_queries):
    world = grow(2)
    browser, _user = login(role, world, as_user)
    small = counts(browser.get, PAGES[role], world, count_queries)
    grow(4)
    compare(small, counts(browser.get, PAGES[role], world, count_queries))


@pytest.mark.parametrize("role", sorted(APIS))
def test_api_lists_send_few_statements_whatever_the_size(role, grow, as_user, api_login,
                                                        count_queries):
    world = grow(2)
    client = api_login(login(role, world, as_user)[1])
    small = counts(client.get, APIS[role], world, count_queries)
    grow(4)
    compare(small, counts(client.get, APIS[role], world, count_queries))


def test_api_lists_send_as_many_statements_for_10_rows_as_for_50(grow, as_user, api_login,
                                                                  count_queries):
    world = grow(6)  # a dozen inspections, contracts and reports: more than 10 of each
    client = api_login(login("officer", world, as_user)[1])
    pages = {size: counts(client.get, [f"{url}?per_page={size}" for url in APIS["officer"]],
                          world, count_queries) for size in (10, 50)}
    differ = {url: (pages[10][f"{url}?per_page=10"], pages[50][f"{url}?per_page=50"])
              for url in APIS["officer"]
              if pages[10][f"{url}?per_page=10"] != pages[50][f"{url}?per_page=50"]}
    assert not differ, f"statements depend on the page size: {differ}"
    inspections = client.get("/api/v1/inspections?per_page=10").get_json()
    assert len(inspections["items"]) == 10 < inspections["total"]  # the two pages differ


def test_list_pages_write_their_limit_and_offset_into_the_sql(grow, as_user, api_login,
                                                               count_queries):
    """Sent as parameters, PostgreSQL re-planned a prepared list's joins on every request
    (app.db.page_of)."""
    world = grow(1)
    browser, user = login("officer", world, as_user)
    client = api_login(user)
    for get, url in ((browser.get, "/contracts"), (browser.get, "/evaluations/actions"),
                     (browser.get, "/evaluations/inspections?page=1"),
                     (browser.get, "/providers"), (client.get, "/api/v1/inspections"),
                     (client.get, "/api/v1/corrective-actions?page=1")):
        with count_queries() as log:
            assert get(url).status_code == 200, url
        pages = [s for s in log.statements if "OFFSET" in s.upper()]
        assert pages, url
        assert all(re.search(r"LIMIT \d+ OFFSET \d+", s) for s in pages), (url, [s[-60:] for s in pages])


def test_a_home_and_its_contract_send_as_many_statements_for_five_inspections_as_for_one(
        inspection_world, make_scored_inspection, as_user, count_queries):
    """Their inspection tables asked, for each row, whether a correction superseded it."""
    w = inspection_world
    browser, _user = as_user("officer", region="a")
    urls = [f"/facilities/{w.facility.id}", "/contracts/{survey}"]
    place = SimpleNamespace(survey=w.contract)

    def finalized(n: int) -> dict[str, int]:
        for day in range(n):
            make_scored_inspection(w, status="finalized", scheduled_for=date(2026, 3, 1 + day))
        return counts(browser.get, urls, place, count_queries)

    compare(finalized(1), finalized(4))


def test_an_inspections_pages_send_as_many_statements_for_one_section_as_for_six(
        inspection_world, make_template, make_scored_inspection, as_user, count_queries,
        schedule):
    """Its page, its actions page and the field form read each section's items with a
    statement of its own."""
    w = inspection_world
    one_section = make_template("safety", sections=load_builtin("safety")["sections"][:1])
    six_sections = make_template("quality")
    officer, _user = as_user("officer", region="a")
    inspector = Browser(current_app.test_client())
    assert inspector.login(w.inspector).status_code == 302
    place = SimpleNamespace(survey=w.contract)

    def statements(template) -> dict[str, int]:
        world = SimpleNamespace(template=template, inspector=w.inspector, facility=w.facility)
        done = make_scored_inspection(world, status="finalized").id
        due = schedule(template=template).id
        pages = counts(officer.get, [f"/evaluations/inspections/{done}",
                                     f"/evaluations/inspections/{done}/actions"],
                       place, count_queries)
        form = counts(inspector.get, [f"/evaluations/inspections/{due}/form"], place,
                      count_queries)
        return dict(zip(("page", "actions", "form"), [*pages.values(), *form.values()],
                        strict=True))

    assert len(six_sections.sections) == 6
    compare(statements(one_section), statements(six_sections))
