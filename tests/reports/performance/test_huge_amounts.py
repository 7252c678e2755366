"""An amount typed with an exponent beyond what Decimal's context holds ("1e999999999") is a
field error, not a server error: the shared number rule took its absolute value in the
default context, which overflows (a 500 on the decision, payment and appeal forms)."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock
from contracts.models import Installment
from reports.performance.models import PaymentDecision
from tests.reports.money import reports_on_time

HUGE = ("1e999999999", "-1E+1000000", "9e999999")


@pytest.fixture
def contract(db, make_contract):
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    contract = make_contract(status="active", targets={})
    reports_on_time(db, contract)
    return contract


@pytest.mark.parametrize("amount", HUGE)
def test_the_decision_form_refuses_a_huge_amount(db, contract, as_user, amount):
    browser, _ = as_user("officer", region="a")
    url = f"/reports/contracts/{contract.id}/performance?period=2026"
    browser.get(url)
    response = browser.post(url, {"decision": "reduce", "amount": amount, "comment": "酌减"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0


@pytest.mark.parametrize("amount", HUGE)
def test_the_payment_form_refuses_a_huge_amount(db, contract, as_user, amount):
    browser, _ = as_user("officer", region="a")
    first = contract.installments[0]
    browser.get(f"/contracts/{contract.id}")
    response = browser.post(f"/contracts/{contract.id}/installments/{first.id}/pay",
                            {"paid_amount": amount})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Installment, first.id).paid_at is None


@pytest.mark.parametrize("amount", HUGE)
def test_the_api_refuses_a_huge_amount(db, contract, api_as, amount):
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/payment-decision", json={
        "period": "2026", "decision": "reduce", "renew": False, "comment": "酌减",
        "amount": amount})
    assert response.status_code == 422
