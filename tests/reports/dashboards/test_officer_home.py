"""The officer's home page opens on what needs action: reports to review, inspections overdue,
corrective actions overdue, payment decisions due — counted, whatever their number, in a fixed
number of statements."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from contracts.models import Contract
from contracts.submissions import services as subs
from evaluations.actions.models import ActionStatus, CorrectiveAction, Severity
from evaluations.inspections.models import InspectionStatus
from evaluations.inspections.services import correct_inspection

TODAY = date(2026, 11, 20)
FIRST = ["Reports awaiting review", "Inspections overdue", "Corrective actions overdue",
         "Payment decisions due"]


@pytest.fixture(autouse=True)
def late_november(fixed_today):
    fixed_today(TODAY)


def cards(page: str) -> list[tuple[str, str]]:
    """(title, figure) of the home page's cards, in their order."""
    return re.findall(r'<div class="text-muted small">([^<]+)</div>\s*<div class="[^"]*">'
                      r'(?:<a [^>]*>)?([^<]+)', page)


def add_action(db, contract, deadline):
    db.session.add(CorrectiveAction(
        contract_id=contract.id, facility_id=contract.facility_id,
        provider_id=contract.provider_id, region_id=contract.region_id, description="堵塞",
        severity=Severity.ORANGE, deadline=deadline, status=ActionStatus.OPEN))
    db.session.commit()


@pytest.fixture
def work(db, inspection_world, schedule, make_operation_contract, make_facility):
    """One of each kind of work waiting for the officer of A; returns a function adding more."""
    w = inspection_world
    ended = make_operation_contract(make_facility("a1", name="甲二福利院"),
                                    start_date=date(2025, 11, 1), end_date=date(2026, 10, 31))

    def more():
        schedule(scheduled_for=TODAY - timedelta(days=3))  # overdue
        add_action(db, w.contract, TODAY - timedelta(days=1))
        period = ["2026-09", "2026-10"][len(subs.review_queue(w.officer, 10)) % 2]
        subs.submit_report(w.contract, period, {
            "occupancy": {"self_care": 10}, "admissions": 0, "departures": 0, "staff": {},
            "fire_drills": 1, "complaints_received": 0, "complaints_resolved": 0,
            "incidents": []}, actor=w.provider_user)
        db.session.commit()

    schedule(scheduled_for=TODAY + timedelta(days=3))  # not overdue
    add_action(db, w.contract, TODAY + timedelta(days=5))  # not overdue
    assert ended.installments[-1].performance_linked  # falls due 30 days after the end
    return w, more


def test_the_officer_sees_what_needs_action_first(as_user, work):
    w, more = work
    more()
    browser, _ = as_user("officer", region="a")
    page = browser.get("/").get_data(as_text=True)
    shown = cards(page)
    assert [title for title, _ in shown[:4]] == FIRST
    assert [figure for _, figure in shown[:4]] == ["1", "1", "1", "1"]
    assert "Regions in my view" not in page
    assert page.count("border-warning") == 4  # the waiting work is highlighted
    assert 'href="/review-queue"' in page and 'href="/evaluations/actions?overdue=yes"' in page


def test_a_correction_being_filled_in_is_no_inspection_overdue(as_user, work, db,
                                                              make_scored_inspection):
    """A correction is dated by the visit it corrects, long past: it is no visit overdue."""
    w, _more = work
    result = make_scored_inspection(w, scheduled_for=TODAY - timedelta(days=60))
    result.status = InspectionStatus.FINALIZED
    db.session.commit()
    correct_inspection(result, actor=w.officer, reason="复核")
    db.session.commit()
    browser, _ = as_user("officer", region="a")
    shown = dict(cards(browser.get("/").get_data(as_text=True)))
    assert shown["Inspections overdue"] == "0"


def test_a_county_officer_counts_only_their_county(as_user, work):
    w, more = work
    more()
    browser, _ = as_user("officer", region="b")
    shown = dict(cards(browser.get("/").get_data(as_text=True)))
    assert [shown[title] for title in FIRST] == ["0", "0", "0", "0"]


def test_a_paid_installment_asks_for_no_decision(as_user, work, db):
    w, _more = work
    ended = db.session.scalars(sa.select(Contract).where(
        Contract.end_date == date(2026, 10, 31))).one()
    browser, _ = as_user("officer", region="a")
    assert dict(cards(browser.get("/").get_data(as_text=True)))["Payment decisions due"] == "1"
    ended.installments[-1].paid_at = sa.func.current_timestamp()
    db.session.commit()
    assert dict(cards(browser.get("/").get_data(as_text=True)))["Payment decisions due"] == "0"


def test_the_counts_take_the_same_statements_whatever_their_size(app, as_user, work):
    _w, more = work
    browser, _ = as_user("officer", region="a")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    def visit() -> int:
        statements.clear()
        sa.event.listen(_db.engine, "before_cursor_execute", record)
        try:
            assert browser.get("/").status_code == 200
        finally:
            sa.event.remove(_db.engine, "before_cursor_execute", record)
        return len(statements)

    more()
    few = visit()
    more()
    assert visit() == few
