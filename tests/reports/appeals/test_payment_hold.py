"""The performance-linked installment waits for an open appeal that may change its decision:
paid first, the decision could no longer be revised (a paid decision stands)."""

from datetime import UTC, datetime

import pytest

from app import clock
from reports.performance.decisions import decided_amount, record_payment_decision
from reports.performance.services import linked_installment
from tests.clients import Browser

WAITS = "An appeal that may change this installment&#39;s payment decision is open"


@pytest.fixture
def decided(db, make_contract, make_user):
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
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
