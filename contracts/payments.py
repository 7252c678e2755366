"""Paying a contract's installments: what each may be paid, and recording the payment.

The performance-linked installment is paid only as its payment decision says, and not while
something registered holds it back (an open appeal); the decisions and the appeals live in
``reports``, a layer contracts may not import: they register here when the app starts.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from app import clock
from app.errors import Conflict
from app.extensions import db
from app.unit_of_work import claim_row
from contracts.common import Errors, add, as_money, raise_if
from contracts.models import Contract, ContractStatus, Installment

#: who tells the amount the standing payment decision pays out of a performance-linked
#: installment (None while none stands). The decisions live in ``reports.performance``, a
#: layer contracts may not import: it registers here when the app starts.
_decision_lookups: list[Callable[..., Decimal | None]] = []


def register_decision_lookup(lookup: Callable[..., Decimal | None]) -> None:
    """``lookup(installment, hold=False)``: see :func:`decided_amount`."""
    _decision_lookups[:] = [lookup]


#: what may hold a payment back though its decision stands, each telling why (an open
#: appeal that may change the decision: ``reports.appeals`` registers it)
_payment_holds: list[Callable[[Installment], str | None]] = []


def register_payment_hold(hold: Callable[[Installment], str | None]) -> None:
    """``hold(installment)``: why it may not be paid now, or None."""
    if hold not in _payment_holds:
        _payment_holds.append(hold)


def decided_amount(installment: Installment, *, hold: bool = False) -> Decimal | None:
    """What the payment decision standing on ``installment`` pays; None while none stands.

    ``hold``: and until the commit, no decision on it is recorded meanwhile (one being
    recorded commits first, and is read): for a change that the decision must not exceed."""
    if not _decision_lookups:  # paying on no decision would pay what nobody decided
        raise RuntimeError("no payment decision lookup registered (reports.performance)")
    return _decision_lookups[0](installment, hold=hold)


def linked_installment(contract: Contract) -> Installment | None:
    """The installment whose payment follows performance (the last one)."""
    return next((i for i in contract.installments if i.performance_linked), None)


def payable_amount(installment: Installment) -> Decimal | None:
    """The most ``installment`` may be paid: its nominal amount, or for the
    performance-linked one what its decision says (None: not payable before a decision)."""
    if not installment.performance_linked:
        return installment.amount
    decided = decided_amount(installment)
    return None if decided is None else min(decided, installment.amount)


def payment_held(installment: Installment) -> str | None:
    """Why the unpaid ``installment``, decided, may not be paid now (its page then offers no
    payment), or None: its decision pays nothing, or something registered holds it back."""
    if not installment.performance_linked:
        return None
    for hold in _payment_holds:  # first: each says what must happen before anything is paid
        if reason := hold(installment):
            return reason
    if decided_amount(installment) == 0:
        # recorded as a payment of 0.00 it counted as paid, and a paid decision stands for
        # good: a withholding (暂缓支付) could then never be revised
        return _("Withheld by its payment decision: nothing is paid. To pay it, revoke the "
                 "decision with a reason (or have an appeal correct it) and decide again.")
    return None


def _refuse_payment(installment: Installment) -> None:
    if installment.paid_at is not None:
        raise Conflict(_("This installment is already paid."))
    if installment.contract.status is ContractStatus.DRAFT:
        raise Conflict(_("A draft contract cannot be paid."))
    if payable_amount(installment) is None:
        message = _("The performance-linked installment is paid only after its payment "
                    "decision: record the decision on the contract's performance first.")
        raise Conflict(message, {"paid_amount": [message]})
    if reason := payment_held(installment):
        raise Conflict(reason, {"paid_amount": [reason]})


def record_payment(installment: Installment, paid_amount: Any, paid_at=None) -> Installment:
    """Mark an installment paid; the amount may be less than nominal (performance), and the
    performance-linked one never more than its payment decision allows."""
    # the contract first, as an amendment does: one lowering the amount at this instant is
    # then paid against as stored, or refuses this payment (a payment and an amendment at once
    # left an installment paid more than its amount)
    claim_row(installment.contract, lambda: None)
    # two officers recording one payment at once: one records it, the other is told it is paid
    if not installment.performance_linked:
        claim_row(installment, lambda: _refuse_payment(installment))
    else:
        claim_row(installment, lambda: None)
        # its decision is paid only on the figures it rests on (a registered hold): a change of
        # them committing at this instant (a correction finalized) is waited for, then the
        # refusals asked once, on what it committed (each hold may compute the period's
        # performance). Held after the installment: a revocation holds the installment, then
        # the figures as it commits (the other order deadlocked)
        decided_amount(installment, hold=True)
        _refuse_payment(installment)
    errors: Errors = {}
    amount = as_money(paid_amount, "paid_amount", errors, positive=False)
    limit = payable_amount(installment)
    if amount is not None and not 0 <= amount <= limit:
        add(errors, "paid_amount",
            _("At most %(amount)s, what the payment decision allows.", amount=limit)
            if installment.performance_linked
            else _("Between 0 and the installment's %(amount)s.", amount=installment.amount))
    raise_if(errors, _("The payment was not recorded."))
    installment.paid_amount, installment.paid_at = amount, paid_at or clock.now()
    db.session.flush()
    return installment
