"""Paying installments: the linked one only on its decision, each once; and what was paid
bounds an amendment: the amount is never lowered below an installment's payment, whether the
payment came before or at the same instant (a payment holds the contract as an amendment does,
and is made on the amount as stored)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import Conflict
from app.extensions import db as _db
from contracts import services
from contracts.models import Contract, Installment
from tests.locks import first_held_while_the_second_waits
from tests.threads import read_then_act_at_once, the_one_that_won


def test_the_linked_installment_is_not_paid_before_its_decision(make_contract):
    contract = make_contract(status="active")
    linked = contract.installments[-1]
    with pytest.raises(Conflict) as refused:
        services.record_payment(linked, linked.amount)
    assert "payment decision" in refused.value.fields["paid_amount"][0]
    assert linked.paid_at is None


def test_one_installment_paid_twice_at_once_is_paid_once(app, make_contract, db):
    installment_id = make_contract("a", status="active").installments[0].id

    def pay(amount):
        return lambda installment: services.record_payment(installment, amount)

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(Installment, installment_id),
                                     pay("60000.00"), pay("50000.00"))
    winner = ("60000.00", "50000.00")[the_one_that_won(outcomes, "already paid")]
    db.session.expire_all()
    assert db.session.get(Installment, installment_id).paid_amount == Decimal(winner)


def test_an_amount_below_what_an_installment_was_paid_is_refused(make_contract, db):
    """¥60,000 of ¥120,000 paid (the first 50 %): ¥60,000 in all made that installment
    ¥30,000, half of what was paid out."""
    contract = make_contract(status="active")
    services.record_payment(contract.installments[0], "60000.00")
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        services.amend_contract(contract, reason="核减预算", amount="119999.98", actor=None)
    assert refused.value.fields["amount"] == [
        "Installment 1 was already paid 60000.00, more than the 59999.99 it would be after "
        "this amendment."]
    db.session.rollback()
    services.amend_contract(contract, reason="核减预算", amount="120000.00", actor=None,
                            end_date="2027-01-31")  # no change of amount: nothing to weigh
    services.amend_contract(contract, reason="追加", amount="150000.00", actor=None)
    db.session.commit()
    assert contract.installments[0].amount == Decimal("75000.00")


def _pay(installment_id):
    return lambda: services.record_payment(_db.session.get(Installment, installment_id),
                                           "60000.00")


def _lower(contract_id):
    return lambda: services.amend_contract(_db.session.get(Contract, contract_id),
                                           reason="核减预算", amount="60000.00", actor=None)


@pytest.mark.parametrize("first", ["payment", "amendment"])
def test_a_payment_and_an_amendment_lowering_the_amount_at_once(app, make_contract, db, first):
    """Neither waited for the other: the amendment read the installment unpaid, the payment
    read the amount before the amendment, and ¥60,000 stood paid on a ¥30,000 installment. Now
    the second waits for the first and is refused, as it is a moment later."""
    contract = make_contract(status="active")
    pay, lower = _pay(contract.installments[0].id), _lower(contract.id)
    outcomes = first_held_while_the_second_waits(
        app, *((pay, lower) if first == "payment" else (lower, pay)))
    refusal = ("was already paid 60000.00" if first == "payment"
               else "The payment was not recorded")
    assert outcomes[0] is None and refusal in outcomes[1], outcomes
    db.session.expire_all()
    installment = db.session.get(Contract, contract.id).installments[0]
    assert installment.paid_amount in (None, Decimal("60000.00"))
    assert installment.paid_amount is None or installment.paid_amount <= installment.amount
