"""A suspended contract is not asked for its reports (no reminder, not on the provider's list):
its timeliness leaves out every report falling due while it was suspended, the day it resumed
included, and it keeps figures and a rank like any contract performed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db as _db
from contracts import services
from contracts.submissions.models import Submission, SubmissionStatus
from reports.dashboards import services as dashboards
from reports.performance.figures import refresh_all
from reports.performance.services import contract_performance
from tests.reports.dashboards.test_dashboards import ONLY_INSPECTIONS, add_inspection
from tests.schema import downgraded

ONLY_TIMELINESS = {"inspection": 0, "timeliness": 100, "targets": 0}


def report(db, contract, key: str, day: date, *, late: bool) -> None:
    at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    db.session.add(Submission(contract_id=contract.id, period=key,
                              status=SubmissionStatus.APPROVED, data={}, submitted_at=at,
                              first_submitted_at=at, late=late))
    db.session.commit()


@pytest.fixture
def suspended_in_spring(db, fixed_today, make_contract):
    """Monthly reports due on the 10th; January's and February's on time; suspended on
    20 March and resumed on 10 May, so the reports due 10 April and 10 May were not asked
    for (and never sent); June's report late."""
    fixed_today(date(2026, 1, 2))
    contract = make_contract(status="active", weights=ONLY_TIMELINESS)
    report(db, contract, "2026-01", date(2026, 2, 8), late=False)
    report(db, contract, "2026-02", date(2026, 3, 9), late=False)
    fixed_today(date(2026, 3, 20))
    services.transition_contract(contract, "suspended", actor=None, reason="安全隐患整改期间暂停")
    fixed_today(date(2026, 5, 10))
    services.transition_contract(contract, "active", actor=None)
    db.session.commit()
    report(db, contract, "2026-05", date(2026, 6, 9), late=False)
    report(db, contract, "2026-06", date(2026, 7, 15), late=True)
    fixed_today(date(2026, 7, 20))
    return contract


def test_reports_falling_due_while_suspended_are_not_counted(db, suspended_in_spring):
    assert suspended_in_spring.suspensions == [["2026-03-20", "2026-05-10"]]
    p = contract_performance(suspended_in_spring, "2026")
    # due and counted: January, February, May (on time), June (late); not March, April
    assert (p.details["reports_due"], p.details["reports_on_time"]) == (4, 3)
    assert p.details["reports_excused"] == 2
    assert p.timeliness == 75


def test_the_performance_page_says_what_was_not_counted(db, as_user, api_as,
                                                         suspended_in_spring):
    browser, _officer = as_user("officer", region="a")
    page = browser.get(f"/reports/contracts/{suspended_in_spring.id}/performance?period=2026",
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Reports due: 4, on time: 3" in page
    assert "Not counted: 2 reports falling due while the contract was suspended." in page
    api, _officer = api_as("officer", region="a")
    answer = api.get(f"/api/v1/contracts/{suspended_in_spring.id}/performance?period=2026")
    assert answer.get_json()["details"]["reports_excused"] == 2


def test_a_contract_suspended_still_is_not_late_for_what_it_is_not_asked(
        db, fixed_today, make_contract):
    fixed_today(date(2026, 1, 2))
    contract = make_contract(status="active", weights=ONLY_TIMELINESS)
    report(db, contract, "2026-01", date(2026, 2, 8), late=False)
    fixed_today(date(2026, 2, 25))
    services.transition_contract(contract, "suspended", actor=None, reason="整改")
    db.session.commit()
    fixed_today(date(2026, 7, 1))
    p = contract_performance(contract, "2026")
    assert contract.suspensions == [["2026-02-25", None]]
    assert (p.details["reports_due"], p.details["reports_on_time"], p.timeliness) == (1, 1, 100)
    assert p.details["reports_excused"] == 4  # due 10 March .. 10 June


def test_each_suspension_is_kept(db, fixed_today, make_contract):
    fixed_today(date(2026, 1, 2))
    contract = make_contract(status="active")
    for day, status in ((date(2026, 2, 1), "suspended"), (date(2026, 3, 1), "active"),
                        (date(2026, 8, 1), "suspended"), (date(2026, 9, 1), "terminated")):
        fixed_today(day)
        services.transition_contract(contract, status, actor=None, reason="理由")
    db.session.commit()
    db.session.expire_all()
    # terminated while suspended, it never resumed: its last reports were not asked for
    assert contract.suspensions == [["2026-02-01", "2026-03-01"], ["2026-08-01", None]]
    fixed_today(date(2026, 10, 20))
    p = contract_performance(contract, "2026")
    # January's (due 10 February, in the first suspension), then July's, August's and
    # September's (begun on the day it was terminated; due 10 October, never resumed)
    assert p.details["reports_excused"] == 4


def test_a_suspended_contract_is_ranked_by_its_kept_figures(db, as_user, fixed_today,
                                                            make_contract, make_template,
                                                            make_user):
    fixed_today(date(2026, 1, 5))
    template, inspector = make_template("survey_service"), make_user("inspector")
    running = make_contract(status="active", weights=ONLY_INSPECTIONS)
    stopped = make_contract(status="active", weights=ONLY_INSPECTIONS)
    add_inspection(db, running, template, inspector, "70", date(2026, 3, 10))
    add_inspection(db, stopped, template, inspector, "90", date(2026, 3, 12))
    fixed_today(date(2026, 4, 2))
    services.transition_contract(stopped, "suspended", actor=None, reason="整改")
    db.session.commit()
    fixed_today(date(2026, 5, 6))
    refresh_all()
    db.session.commit()
    _browser, officer = as_user("officer", region="a")
    assert [(r.provider_id, r.composite) for r in dashboards.provider_ranking(officer, 2026)] \
        == [(stopped.provider_id, 90), (running.provider_id, 70)]


def test_the_migration_keeps_the_suspensions_of_the_transitions(app, db, fixed_today,
                                                                 make_contract):
    """Suspended at 23:30 in Beijing on 31 January (15:30 UTC): the bureau's day is the 31st."""
    fixed_today(date(2026, 1, 2))
    twice, never = make_contract(status="active"), make_contract(status="active")
    steps = ((datetime(2026, 1, 31, 15, 30, tzinfo=UTC), "suspended"),
             (datetime(2026, 3, 1, 2, tzinfo=UTC), "active"),
             (datetime(2026, 8, 1, 2, tzinfo=UTC), "suspended"),
             (datetime(2026, 9, 1, 2, tzinfo=UTC), "terminated"))
    for at, status in steps:
        services.transition_contract(twice, status, actor=None, reason="理由").at = at
    db.session.commit()
    ids = twice.id, never.id
    with downgraded("0038"):
        upgrade()
        with _db.engine.connect() as conn:
            kept = dict(conn.execute(sa.select(sa.column("id"), sa.column("suspensions", sa.JSON))
                                     .select_from(sa.table("contracts"))).all())
    assert {k: kept[k] for k in ids} == {
        twice.id: [["2026-01-31", "2026-03-01"], ["2026-08-01", None]], never.id: None}


def test_a_report_sent_early_while_suspended_is_told_as_not_counted(db, fixed_today,
                                                                   make_contract):
    """Suspended still, the provider sends a report whose deadline is ahead and falls in the
    suspension: it is not counted, and the page says so (it said nothing of it)."""
    fixed_today(date(2026, 1, 2))
    contract = make_contract(status="active", weights=ONLY_TIMELINESS)
    fixed_today(date(2026, 3, 2))
    services.transition_contract(contract, "suspended", actor=None, reason="整改")
    db.session.commit()
    fixed_today(date(2026, 4, 3))
    report(db, contract, "2026-03", date(2026, 4, 3), late=False)  # due 10 April
    p = contract_performance(contract, "2026")
    assert p.details["reports_excused"] == 2  # February's (due 10 March) and March's
    assert p.details["reports_due"] == 1  # January's, never sent
