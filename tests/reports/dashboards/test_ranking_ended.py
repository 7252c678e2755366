"""A contract terminated in the year stays in the year's ranking: dropping it ranked a provider
whose contract the bureau ended for failing as if it had never failed. It is not ranked in the
periods after its termination. A suspended one is ranked too (its timeliness leaves out the
reports it was not asked for while suspended: tests/reports/performance/test_suspended.py)."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import services as contract_services
from reports.dashboards import services as dashboards
from reports.performance.figures import refresh_all
from tests.reports.dashboards.test_dashboards import ONLY_INSPECTIONS, add_inspection, ranking_of


@pytest.fixture
def contracts(db, fixed_today, make_contract, make_template, make_user):
    """Three contracts of three providers in county A, scored by inspections only: 80, and
    two failing at 40 and 50, one terminated in June, one suspended in October."""
    fixed_today(date(2026, 1, 5))
    template, inspector = make_template("survey_service"), make_user("inspector")
    made = {name: make_contract(region="a", status="active", weights=ONLY_INSPECTIONS)
            for name in ("good", "terminated", "suspended")}
    for name, total in (("good", "80"), ("terminated", "40"), ("suspended", "50")):
        add_inspection(db, made[name], template, inspector, total, date(2026, 3, 10))
    fixed_today(date(2026, 6, 20))
    contract_services.transition_contract(made["terminated"], "terminated", actor=None,
                                          reason="检查不合格，解除合同")
    fixed_today(date(2026, 10, 8))
    contract_services.transition_contract(made["suspended"], "suspended", actor=None,
                                          reason="安全隐患整改期间暂停")
    db.session.commit()
    fixed_today(date(2026, 11, 20))
    made["scoring"] = (template, inspector)
    return made


def test_a_terminated_contract_is_ranked_with_its_score(db, as_user, contracts):
    browser, officer = as_user("officer", region="a")
    ranking = dashboards.provider_ranking(officer, 2026)
    assert [(r.provider_id, r.composite) for r in ranking] == [
        (contracts["good"].provider_id, 80), (contracts["suspended"].provider_id, 50),
        (contracts["terminated"].provider_id, 40)]
    page = ranking_of(browser.get("/reports/dashboard").get_data(as_text=True))
    assert page.index(contracts["good"].provider.name) < page.index(
        contracts["suspended"].provider.name) < page.index(contracts["terminated"].provider.name)


def test_a_terminated_contract_is_not_ranked_after_its_termination(
        db, as_user, fixed_today, make_contract):
    """Terminated in March 2026, planned to run to June 2027: not in 2027's ranking, and no
    figure for the quarters after March (its household target unmet for days without
    service made them 0)."""
    fixed_today(date(2026, 1, 5))
    ended = make_contract(region="a", status="active", end_date=date(2027, 6, 30),
                          targets={"households": 1200})
    fixed_today(date(2026, 3, 15))
    contract_services.transition_contract(ended, "terminated", actor=None, reason="解除合同")
    db.session.commit()
    fixed_today(date(2027, 5, 20))
    refresh_all()
    db.session.commit()
    _browser, officer = as_user("officer", region="a")
    assert ended.provider_id not in [r.provider_id for r in dashboards.provider_ranking(
        officer, 2027)]
    [trend] = dashboards.contract_trends([ended], date(2027, 5, 20))
    drawn = dict(zip(trend.quarters, trend.composites, strict=True))
    assert drawn["2026-Q1"] is not None  # it ran then
    assert drawn["2026-Q3"] is None and drawn["2027-Q2"] is None


def test_a_terminated_contract_weighs_in_its_providers_mean(db, as_user, contracts,
                                                            make_contract):
    terminated = contracts["terminated"]
    again = make_contract(region="a", status="active", weights=ONLY_INSPECTIONS,
                          provider=terminated.provider)
    add_inspection(db, again, *contracts["scoring"], "90", date(2026, 9, 10))
    _browser, officer = as_user("officer", region="a")
    mine = next(r for r in dashboards.provider_ranking(officer, 2026)
                if r.provider_id == terminated.provider_id)
    assert (mine.contracts, mine.composite) == (2, 65)
