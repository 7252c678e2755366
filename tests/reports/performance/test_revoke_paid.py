"""A payment decision stands once its installment is paid: revoked, it left money paid out
under no decision, and the installment open to a decision to withhold what was already paid."""

from datetime import UTC, datetime

import pytest

from app import clock
from app.errors import Conflict
from app.extensions import db as _db
from contracts import services
from contracts.models import Installment
from reports.performance.decisions import (
    active_decision,
    decided_amount,
    record_payment_decision,
    revoke_payment_decision,
)
from reports.performance.models import PaymentDecision
from reports.performance.services import linked_installment
from tests.threads import read_then_act_at_once, the_one_that_won

PAID = "The installment was paid on 2026-12-20 under this decision"


@pytest.fixture(autouse=True)
def late_2026():
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))


@pytest.fixture
def decided(app, db, make_contract, make_user, monkeypatch):
    # no report sent, the grade fails: a share of it is paid, so money goes out under the
    # decision (one paying nothing withholds the installment, which is then never paid)
    monkeypatch.setitem(app.config, "PAYMENT_SHARES",
                        {"excellent": 100, "good": 95, "pass": 85, "fail": 50})
    make_user("inspector", region="a")
    contract = make_contract(status="active", targets={})
    decision = record_payment_decision(contract, "2026", decision="pay", renew=True,
                                       comment="按绩效支付", actor=None)
    db.session.commit()
    return decision


def _pay(installment: Installment) -> None:
    services.record_payment(installment, decided_amount(installment))


def test_a_paid_installments_decision_is_not_revoked(db, decided, api_as):
    _pay(linked_installment(decided.contract))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        revoke_payment_decision(decided, reason="复核发现检查结果有误", actor=None)
    assert PAID in refused.value.message
    db.session.rollback()
    officer, _ = api_as("officer", region="a")
    answer = officer.post(f"/api/v1/payment-decisions/{decided.id}/revoke",
                          json={"reason": "复核发现检查结果有误"})
    assert answer.status_code == 409 and PAID in answer.get_json()["error"]["message"]
    db.session.expire_all()
    assert active_decision(decided.contract).id == decided.id


def test_a_revoke_and_a_payment_at_once_leave_no_payment_without_its_decision(app, db,
                                                                               decided):
    decision_id, installment_id = decided.id, decided.installment_id
    outcomes = read_then_act_at_once(
        app, lambda: _db.session.get(PaymentDecision, decision_id),
        lambda row: revoke_payment_decision(row, reason="更正", actor=None),
        lambda row: _pay(_db.session.get(Installment, installment_id)))
    the_one_that_won(outcomes, "paid")
    db.session.expire_all()
    paid = db.session.get(Installment, installment_id).paid_at is not None
    revoked = db.session.get(PaymentDecision, decision_id).revoked_at is not None
    assert paid != revoked, outcomes


def test_an_appeal_of_a_paid_decision_cannot_revise_it(db, decided, make_user, api_login):
    """Revised, the decision would say one amount while another was paid; the appeal stays
    open for the officer to resolve saying how the difference was settled."""
    provider_user = make_user("provider", provider=decided.contract.provider)
    officer = make_user("officer", region="a")
    _pay(linked_installment(decided.contract))  # paid, then appealed within the window
    db.session.commit()
    lodged = api_login(provider_user).post(
        f"/api/v1/payment-decisions/{decided.id}/appeals",
        json={"reason": "迟交系系统故障所致", "evidence": "系统故障通报"}).get_json()
    answer = api_login(officer).post(
        f"/api/v1/appeals/{lodged['id']}/resolve",
        json={"outcome": "corrected", "reason": "情况属实",
              "revised_decision": {"decision": "pay", "renew": True}})
    assert answer.status_code == 409 and PAID in answer.get_json()["error"]["message"]
    db.session.expire_all()
    assert active_decision(decided.contract).id == decided.id
    appeal = api_login(officer).get(f"/api/v1/appeals/{lodged['id']}").get_json()
    assert appeal["status"] == "open"
