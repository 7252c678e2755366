"""An installment its payment decision withholds (暂缓支付) is not paid: the contract page
offers no payment on it and says why, and a payment sent anyway is refused with that reason,
nothing recorded (review of the money area, 3). A payment of 0.00 marked it paid, and a paid
decision stands for good: the withholding could then never be revised."""

from datetime import date
from html import unescape

import pytest

from contracts.models import Installment
from reports.performance.decisions import record_payment_decision, revoke_payment_decision
from reports.performance.services import linked_installment
from tests.factories import on
from tests.reports.money import VETO, finalized, reports_on_time

WITHHELD = "Withheld by its payment decision"


@pytest.fixture
def withheld(db, inspection_world, schedule):
    w = inspection_world
    finalized(db, w, schedule, failed=(VETO,))
    reports_on_time(db, w.contract)
    on(date(2026, 12, 20))
    w.decision = record_payment_decision(w.contract, "2026", decision="withhold", renew=False,
                                         comment="一票否决，暂缓支付", actor=w.officer)
    db.session.commit()
    w.linked = linked_installment(w.contract)
    return w


def _pay_url(w) -> str:
    return f"/contracts/{w.contract.id}/installments/{w.linked.id}/pay"


def test_the_page_offers_no_payment_on_a_withheld_installment(withheld, as_user):
    w = withheld
    browser, _ = as_user("officer", region="a")
    page = unescape(browser.get(f"/contracts/{w.contract.id}").get_data(as_text=True))
    assert _pay_url(w) not in page
    assert WITHHELD in page


def test_a_payment_of_a_withheld_installment_is_refused(withheld, as_user, db):
    w = withheld
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{w.contract.id}")
    for amount in ("0.00", f"{w.linked.amount:.2f}"):
        refused = browser.post(_pay_url(w), {"paid_amount": amount})
        assert refused.status_code == 409
        assert WITHHELD in unescape(refused.get_data(as_text=True))
    db.session.expire_all()
    installment = db.session.get(Installment, w.linked.id)
    assert installment.paid_at is None and installment.paid_amount is None


def test_the_withholding_may_still_be_revised(withheld, as_user, db):
    """Nothing was paid, so the decision may be revoked and the installment decided again."""
    w = withheld
    revoke_payment_decision(w.decision, reason="整改已完成，复查合格", actor=w.officer)
    db.session.commit()
    browser, _ = as_user("officer", region="a")
    page = unescape(browser.get(f"/contracts/{w.contract.id}").get_data(as_text=True))
    assert WITHHELD not in page
    assert "awaiting the payment decision" in page


def test_the_page_offers_no_payment_while_an_appeal_holds_it(app, db, make_contract,
                                                             make_user, as_user, api_login,
                                                             monkeypatch):
    """The same for an installment an open appeal holds: its reason instead of the button."""
    on(date(2026, 12, 20))
    monkeypatch.setitem(app.config, "PAYMENT_SHARES",
                        {"excellent": 100, "good": 95, "pass": 85, "fail": 50})
    contract = make_contract(status="active", targets={})
    decision = record_payment_decision(contract, "2026", decision="pay", renew=True,
                                       comment="按绩效支付", actor=None)
    db.session.commit()
    api_login(make_user("provider", provider=contract.provider)).post(
        f"/api/v1/payment-decisions/{decision.id}/appeals", json={"reason": "检查结果有误"})
    linked = linked_installment(contract)
    browser, _ = as_user("officer", region="a")
    page = unescape(browser.get(f"/contracts/{contract.id}").get_data(as_text=True))
    assert f"/contracts/{contract.id}/installments/{linked.id}/pay" not in page
    assert "An appeal may still change this installment's payment decision" in page
