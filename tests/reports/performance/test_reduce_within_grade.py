"""A reduced amount is a reduction of what the grade allows, never more: on a period failed by
a veto item (the grade pays 0 %) a "reduce" of ¥50,000 was recorded and then paid."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from contracts.services import record_payment
from reports.performance.decisions import record_payment_decision
from reports.performance.models import PaymentDecision
from reports.performance.services import contract_performance, linked_installment
from tests.clients import error_of
from tests.factories import on
from tests.reports.money import VETO, finalized


def _reduce(w, amount):
    return record_payment_decision(w.contract, "2026", decision="reduce", renew=False,
                                   comment="酌情支付", amount=amount, actor=w.officer)


def test_a_failed_veto_cannot_be_reduced_into_a_payment(db, inspection_world, schedule):
    w = inspection_world
    finalized(db, w, schedule, failed=(VETO,))
    on(date(2026, 12, 20))
    performance = contract_performance(w.contract, "2026")
    assert performance.grade == "fail" and performance.payable_amount == 0
    with pytest.raises(ValidationError) as refused:
        _reduce(w, "50000.00")
    assert "amount" in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0


def test_a_reduction_stays_below_what_the_grade_allows(db, inspection_world, schedule):
    w = inspection_world
    finalized(db, w, schedule)
    on(date(2026, 12, 20))
    payable = contract_performance(w.contract, "2026").payable_amount
    assert payable is not None and payable > 1
    with pytest.raises(ValidationError) as refused:
        _reduce(w, str(payable + 1))
    assert "amount" in refused.value.fields
    _reduce(w, str(payable - 1))
    db.session.commit()
    installment = linked_installment(w.contract)
    record_payment(installment, str(payable - 1))
    assert installment.paid_amount == payable - 1


def test_the_api_refuses_a_reduction_of_a_failed_veto(db, inspection_world, schedule,
                                                       api_login):
    w = inspection_world
    finalized(db, w, schedule, failed=(VETO,))
    on(date(2026, 12, 20))
    api = api_login(w.officer)
    response = api.post(f"/api/v1/contracts/{w.contract.id}/payment-decision", json={
        "period": "2026", "decision": "reduce", "renew": False, "comment": "酌情支付",
        "amount": "50000.00"})
    assert response.status_code == 422, response.get_json()
    assert "amount" in error_of(response)["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0
