"""The performance-linked installment waits for an open appeal that may change its decision:
paid first, the decision could no longer be revised (a paid decision stands)."""

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.errors import Conflict
from app.extensions import db as _db
from app.users.models import User
from contracts import services as contract_services
from contracts.models import Installment
from evaluations.inspections.services import finalize_inspection, submit_inspection
from reports.appeals import services as appeals
from reports.performance.decisions import (
    active_decision,
    decided_amount,
    record_payment_decision,
    revoke_payment_decision,
)
from reports.performance.models import PaymentDecision
from reports.performance.services import linked_installment
from tests.answers import fill_in
from tests.clients import Browser
from tests.factories import on
from tests.locks import first_held_while_the_second_waits

WAITS = "An appeal may still change this installment&#39;s payment decision"


@pytest.fixture
def decided(app, db, make_contract, make_user, monkeypatch):
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    # no report sent, the grade fails: a share of it is paid, so there is money to hold (a
    # decision paying nothing withholds the installment, which is then never paid)
    monkeypatch.setitem(app.config, "PAYMENT_SHARES",
                        {"excellent": 100, "good": 95, "pass": 85, "fail": 50})
    contract = make_contract(status="active", targets={})
    decision = record_payment_decision(contract, "2026", decision="pay", renew=True,
                                       comment="按绩效支付", actor=None)
    db.session.commit()
    return decision


def test_the_installment_is_paid_once_the_appeal_of_its_decision_is_resolved(
        app, db, decided, make_user, api_login):
    contract = decided.contract
    officer = make_user("officer", region="a")
    appeal = api_login(make_user("provider", provider=contract.provider)).post(
        f"/api/v1/payment-decisions/{decided.id}/appeals",
        json={"reason": "检查结果有误", "evidence": "整改照片"}).get_json()
    installment = linked_installment(contract)
    amount = str(decided_amount(installment))
    browser = Browser(app.test_client())
    browser.login(officer)
    url = f"/contracts/{contract.id}/installments/{installment.id}/pay"
    browser.get(f"/contracts/{contract.id}")
    held = browser.post(url, {"paid_amount": amount})
    assert held.status_code == 409 and WAITS in held.get_data(as_text=True)
    db.session.expire_all()
    assert linked_installment(contract).paid_at is None

    resolved = api_login(officer).post(f"/api/v1/appeals/{appeal['id']}/resolve",
                                       json={"outcome": "upheld", "reason": "检查无误"})
    assert resolved.status_code == 200
    assert browser.post(url, {"paid_amount": amount}).status_code == 302
    db.session.expire_all()
    assert linked_installment(contract).paid_at is not None


def test_the_other_installments_do_not_wait(app, db, decided, make_user, api_login):
    contract = decided.contract
    api_login(make_user("provider", provider=contract.provider)).post(
        f"/api/v1/payment-decisions/{decided.id}/appeals",
        json={"reason": "检查结果有误", "evidence": "整改照片"})
    first = contract.installments[0]
    browser = Browser(app.test_client())
    browser.login(make_user("officer", region="a"))
    browser.get(f"/contracts/{contract.id}")
    assert browser.post(f"/contracts/{contract.id}/installments/{first.id}/pay",
                        {"paid_amount": str(first.amount)}).status_code == 302


def test_a_corrected_appeal_holds_the_payment_until_its_correction_is_finalized(
        world, db, make_user):
    """Corrected, the appeal is no longer open, but its correction version is a draft: paid
    then, the old decision stood for good and the correction could never reach the money."""
    on(date(2026, 11, 12))
    record_payment_decision(world.contract, "2026", decision="withhold", renew=False,
                            comment="一票否决", actor=world.officer)
    appeal = appeals.open_inspection_appeal(world.inspection, reason="检查当日停电",
                                            actor=world.provider_user)
    appeals.resolve_appeal(appeal, outcome="corrected", reason="复核属实", actor=world.officer)
    db.session.commit()
    installment = linked_installment(world.contract)
    with pytest.raises(Conflict) as held:
        contract_services.record_payment(installment, "0")
    assert "may still change" in held.value.message
    db.session.rollback()

    correction = appeal.correction
    fill_in(db, correction, world)
    submit_inspection(correction, actor=world.inspector)
    finalize_inspection(correction, actor=world.officer)
    db.session.commit()
    # the correction changed the figures the decision rests on: decided again, then paid
    with pytest.raises(Conflict) as changed:
        contract_services.record_payment(installment, "0")
    assert "have changed since" in changed.value.message
    db.session.rollback()
    revoke_payment_decision(active_decision(world.contract), reason="复核更正", actor=world.officer)
    record_payment_decision(world.contract, "2026", decision="pay", renew=True,
                            comment="更正后按绩效支付", actor=world.officer)
    db.session.commit()
    contract_services.record_payment(installment, decided_amount(installment))
    db.session.commit()
    assert linked_installment(world.contract).paid_at is not None


def test_an_appeal_and_a_payment_at_the_same_instant_do_not_both_stand(
        app, db, decided, make_user):
    """The payment read no appeal (not yet committed) and was recorded; the appeal stood
    beside a decision already paid, which it could then never revise. Now the payment waits
    for the appeal and is held, as it is a moment later."""
    provider_user_id = make_user("provider", provider=decided.contract.provider).id
    decision_id, installment_id = decided.id, decided.installment_id

    def lodge():
        appeals.open_decision_appeal(_db.session.get(PaymentDecision, decision_id),
                                     reason="检查结果有误", evidence="整改照片",
                                     actor=_db.session.get(User, provider_user_id))

    def pay():
        installment = _db.session.get(Installment, installment_id)
        contract_services.record_payment(installment, decided_amount(installment))

    outcomes = first_held_while_the_second_waits(app, lodge, pay)
    assert outcomes[0] is None and "may still change" in outcomes[1], outcomes
    db.session.expire_all()
    assert db.session.get(Installment, installment_id).paid_at is None
