"""A failed veto item withholds the performance-linked installment whichever period the
decision is based on: the installment pays for the whole contract, so deciding on a quarter
without the veto paid in full what the year's veto withholds (review of the money area, 1)."""

import html
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from contracts.models import Installment
from reports.performance.decisions import record_payment_decision
from reports.performance.models import PaymentDecision
from reports.performance.services import contract_performance, linked_installment
from tests.clients import error_of
from tests.factories import on
from tests.reports.money import VETO, finalized, reports_on_time


def _vetoed_in_march(db, w, schedule):
    finalized(db, w, schedule, failed=(VETO,), day=date(2026, 3, 10))
    finalized(db, w, schedule, day=date(2026, 8, 10))  # a clean one in Q3
    reports_on_time(db, w.contract)
    on(date(2026, 12, 20))


def test_a_quarter_without_the_veto_pays_nothing_of_the_installment(db, inspection_world,
                                                                   schedule):
    w = inspection_world
    _vetoed_in_march(db, w, schedule)
    row = record_payment_decision(w.contract, "2026-Q3", decision="pay", renew=True,
                                  comment="第三季度全部达标", actor=w.officer)
    db.session.commit()
    assert row.amount == Decimal("0.00") and row.grade == "fail"
    q3 = contract_performance(w.contract, "2026-Q3")
    assert q3.failed_critical == []  # the quarter's own inspections passed
    assert [f.day for f in q3.failed_critical_in_term] == [date(2026, 3, 10)]
    assert (q3.grade, q3.payment_share, q3.payable_amount) == ("fail", 0, Decimal("0.00"))
    assert q3.composite_grade == "excellent"


def test_a_reduction_on_such_a_quarter_is_refused(db, inspection_world, schedule, api_login):
    w = inspection_world
    _vetoed_in_march(db, w, schedule)
    response = api_login(w.officer).post(
        f"/api/v1/contracts/{w.contract.id}/payment-decision",
        json={"period": "2026-Q3", "decision": "reduce", "amount": "100000.00",
              "renew": True, "comment": "酌情扣减"})
    assert response.status_code == 422
    assert "withhold it" in error_of(response)["fields"]["amount"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0


def test_the_quarter_page_names_the_veto_and_proposes_to_withhold(db, inspection_world,
                                                                 schedule, as_user):
    w = inspection_world
    _vetoed_in_march(db, w, schedule)
    browser, _ = as_user("officer", region="a")
    page = html.unescape(browser.get(
        f"/reports/contracts/{w.contract.id}/performance?period=2026-Q3").get_data(as_text=True))
    assert "A critical (veto) item failed in the contract's term" in page
    assert "of 2026-03-10" in page
    assert '<option selected value="withhold">' in page


def test_the_full_installment_cannot_be_paid_on_a_quarter_decision(db, inspection_world,
                                                                  schedule, as_user):
    w = inspection_world
    _vetoed_in_march(db, w, schedule)
    browser, _ = as_user("officer", region="a")
    browser.post(f"/reports/contracts/{w.contract.id}/performance?period=2026-Q3",
                 {"decision": "pay", "renew": "y", "comment": "第三季度全部达标"})
    linked = linked_installment(w.contract)
    refused = browser.post(f"/contracts/{w.contract.id}/installments/{linked.id}/pay",
                           {"paid_amount": f"{linked.amount:.2f}"})
    assert refused.status_code == 409  # the decision pays nothing: withheld
    db.session.expire_all()
    assert db.session.get(Installment, linked.id).paid_amount is None


def test_a_veto_after_a_quarter_decision_holds_its_payment(db, inspection_world, schedule,
                                                          as_user):
    """Decided on Q1 when all was well, a veto failing in Q3 changes what the installment
    may pay: the decision is held until revoked and decided again."""
    w = inspection_world
    finalized(db, w, schedule, day=date(2026, 2, 10))
    on(date(2026, 4, 2))
    record_payment_decision(w.contract, "2026-Q1", decision="pay", renew=True,
                            comment="一季度优秀", actor=w.officer)
    db.session.commit()
    finalized(db, w, schedule, failed=(VETO,), day=date(2026, 8, 10))
    linked = linked_installment(w.contract)
    browser, _ = as_user("officer", region="a")
    refused = browser.post(f"/contracts/{w.contract.id}/installments/{linked.id}/pay",
                           {"paid_amount": f"{linked.amount:.2f}"})
    assert refused.status_code == 409
    assert "have changed since" in refused.get_data(as_text=True)


def test_the_api_names_the_veto_of_the_term(db, inspection_world, schedule, api_login):
    w = inspection_world
    _vetoed_in_march(db, w, schedule)
    body = api_login(w.officer).get(
        f"/api/v1/contracts/{w.contract.id}/performance?period=2026-Q3").get_json()
    assert body["failed_critical"] == []
    assert [f["date"] for f in body["failed_critical_in_term"]] == ["2026-03-10"]
    assert (body["grade"], body["payable_amount"]) == ("fail", "0.00")
