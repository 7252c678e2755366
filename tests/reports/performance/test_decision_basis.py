"""A payment decision rests on the figures its page showed: a veto failed in an inspection
finalized after the page was opened refuses the decision (409, nothing stored) and shows the
figures as they are; the API does the same for the ``basis`` it read. A decision recorded as
the veto is being finalized waits for it and is made on it."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.users.models import User
from contracts.models import Contract
from evaluations.inspections.models import Inspection
from evaluations.inspections.services import finalize_inspection, submit_inspection
from reports.performance import figures
from reports.performance.decisions import record_payment_decision
from reports.performance.models import Decision, PaymentDecision
from reports.performance.services import contract_performance
from tests.clients import error_of
from tests.factories import fill_in, on
from tests.locks import held_inside_while_the_second_waits
from tests.reports.money import VETO, finalized

LATE_2026 = date(2026, 12, 20)
_BASIS = re.compile(r'name="basis" type="hidden" value="([^"]*)"')


@pytest.fixture
def good_year(db, inspection_world, schedule):
    """A year measured at 100 by an inspection of 10 November, seen on 20 December."""
    w = inspection_world
    finalized(db, w, schedule)
    on(LATE_2026)
    return w


def _a_veto_fails_meanwhile(db, w, schedule) -> None:
    finalized(db, w, schedule, failed=(VETO,), day=date(2026, 11, 20))
    on(LATE_2026)


def _decisions(db, contract) -> list:
    return db.session.scalars(sa.select(PaymentDecision).where(
        PaymentDecision.contract_id == contract.id)).all()


def test_a_decision_from_a_page_opened_before_a_veto_failed_is_refused(db, good_year, schedule,
                                                                        as_user):
    w = good_year
    url = f"/reports/contracts/{w.contract.id}/performance?period=2026"
    browser, _ = as_user("officer", region="a")
    seen = _BASIS.search(browser.get(url).get_data(as_text=True))[1]
    _a_veto_fails_meanwhile(db, w, schedule)

    form = {"decision": "reduce", "amount": "50000", "comment": "按绩效酌减", "basis": seen}
    refused = browser.post(url, form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and not _decisions(db, w.contract)
    assert "changed after this page was opened" in page and "1 veto item(s) failed" in page
    now = _BASIS.search(page)[1]
    assert now != seen and now == contract_performance(w.contract, "2026").basis

    decided = browser.post(url, form | {"decision": "withhold", "basis": now})
    assert decided.status_code == 302
    [row] = _decisions(db, w.contract)
    assert row.decision is Decision.WITHHOLD and row.grade == "fail"


def test_the_same_figures_decide(db, good_year, as_user):
    w = good_year
    url = f"/reports/contracts/{w.contract.id}/performance?period=2026"
    browser, _ = as_user("officer", region="a")
    seen = _BASIS.search(browser.get(url).get_data(as_text=True))[1]
    response = browser.post(url, {"decision": "pay", "comment": "按绩效支付", "basis": seen})
    assert response.status_code == 302 and len(_decisions(db, w.contract)) == 1


def test_the_api_refuses_a_decision_on_a_basis_that_changed(db, good_year, schedule,
                                                            api_login):
    w = good_year
    api = api_login(w.officer)
    performance = f"/api/v1/contracts/{w.contract.id}/performance?period=2026"
    basis = api.get(performance).get_json()["basis"]
    _a_veto_fails_meanwhile(db, w, schedule)
    decision = {"period": "2026", "decision": "pay", "renew": True, "comment": "按绩效支付",
                "basis": basis}
    response = api.post(f"/api/v1/contracts/{w.contract.id}/payment-decision", json=decision)
    assert response.status_code == 409 and "decision" in error_of(response)["fields"]
    assert not _decisions(db, w.contract)
    decision["basis"] = api.get(performance).get_json()["basis"]
    assert api.post(f"/api/v1/contracts/{w.contract.id}/payment-decision",
                    json=decision).status_code == 201


def test_a_decision_recorded_as_a_veto_is_finalized_waits_and_is_made_on_it(
        app, db, good_year, schedule, monkeypatch):
    w = good_year
    on(date(2026, 11, 20))
    vetoed = schedule(scheduled_for=date(2026, 11, 20))
    fill_in(db, vetoed, w, value=lambda item: False if item.key == VETO else None)
    submit_inspection(vetoed, actor=w.inspector)
    db.session.commit()
    on(LATE_2026)
    ids = {"inspection": vetoed.id, "contract": w.contract.id, "officer": w.officer.id}
    officer = lambda: _db.session.get(User, ids["officer"])  # noqa: E731

    def finalize() -> None:
        finalize_inspection(_db.session.get(Inspection, ids["inspection"]), actor=officer())

    def decide() -> None:
        record_payment_decision(_db.session.get(Contract, ids["contract"]), "2026",
                                decision="pay", renew=False, comment="按绩效支付",
                                actor=officer())

    # the finalization paused inside its commit: its figures refreshed, not yet committed
    outcomes = held_inside_while_the_second_waits(app, monkeypatch, figures, "refresh",
                                                  finalize, decide)
    assert outcomes == [None, None], outcomes
    db.session.expire_all()
    [row] = _decisions(db, w.contract)
    assert row.grade == "fail" and row.amount == 0
