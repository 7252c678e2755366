"""The officer's payment decision: one per performance-linked installment, revoked with a reason.

Rules (DESIGN.md §4):

- A decision belongs to the contract's performance-linked installment, whichever period's
  performance it was based on (a year or a quarter): a year and its quarters all pay out of
  that one installment, so the installment is decided once.
- A second decision on the same installment is a ``Conflict`` (409) until the first is revoked
  with a reason. Both rows stay; the audit trail records the insert and the revocation.
- ``pay`` pays what the grade allows, ``withhold`` nothing, ``reduce`` the amount given, below
  what the grade allows (nothing on a failed grade: only withholding). The one decision that
  is not revoked never exceeds the installment, so the total decided never does either.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.scoping import one_visible
from app.unit_of_work import claim_row
from app.users.models import Role, User
from contracts.common import as_money
from contracts.labels import CONTRACT_STATUS_LABELS
from contracts.models import Contract, ContractStatus, Installment
from contracts.payments import register_decision_lookup, register_payment_hold
from contracts.visibility import visible_contracts
from evaluations.assessment.bands import grade_label
from reports.performance.figures import PerformanceFigure, hold_performance
from reports.performance.models import Decision, PaymentDecision
from reports.performance.services import contract_performance, linked_installment

MAX_TEXT = 2000
#: the contracts whose performance-linked installment is decided: a draft was neither signed
#: nor run (its schedule may still be replaced under the decision)
DECIDED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.SUSPENDED, ContractStatus.COMPLETED)


def active_decision(contract: Contract, among: list[PaymentDecision] | None = None
                    ) -> PaymentDecision | None:
    """The decision standing on the contract's performance-linked installment, if any; found
    in ``among`` (the contract's :func:`decision_history`, already read) where given."""
    installment = linked_installment(contract)
    if installment is None:
        return None
    if among is not None:
        return next((d for d in among
                     if d.installment_id == installment.id and d.revoked_at is None), None)
    return db.session.scalar(sa.select(PaymentDecision).where(
        PaymentDecision.installment_id == installment.id, PaymentDecision.revoked_at.is_(None)))


def decision_history(contract: Contract) -> list[PaymentDecision]:
    """Every decision on the contract, revoked ones included, newest first."""
    return list(db.session.scalars(
        sa.select(PaymentDecision).where(PaymentDecision.contract_id == contract.id)
        .order_by(PaymentDecision.decided_at.desc(), PaymentDecision.id.desc())))


def visible_decisions(user: User) -> sa.Select:
    """Decisions on the contracts ``user`` may see."""
    contracts = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    return sa.select(PaymentDecision).where(PaymentDecision.contract_id.in_(contracts))


#: a performance-linked installment asks for its decision this long before it falls due
DECISION_AHEAD = timedelta(days=14)


def decisions_due_stmt(user: User, today: date | None = None) -> sa.Select:
    """Ids of the performance-linked installments ``user`` may decide that fall due within
    :data:`DECISION_AHEAD` (or already have), unpaid and without a standing decision."""
    today = today or clock.today()
    contracts = visible_contracts(user).with_only_columns(Contract.id).order_by(None).where(
        Contract.status.in_(DECIDED_STATUSES))
    decided = sa.select(PaymentDecision.installment_id).where(
        PaymentDecision.revoked_at.is_(None))
    return sa.select(Installment.id).where(
        Installment.performance_linked.is_(True), Installment.paid_at.is_(None),
        Installment.due_date <= today + DECISION_AHEAD, Installment.contract_id.in_(contracts),
        Installment.id.not_in(decided))


def get_visible_decision(user: User, decision_id: Any) -> PaymentDecision:
    return one_visible(visible_decisions(user), PaymentDecision.id, decision_id)


def _require_decider(actor: User | None) -> None:
    if actor is not None and actor.role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden(_("Only officers decide payments."))


def _amount(decision: Decision, amount: Any, performance, linked: Decimal,
            errors: dict[str, list[str]]) -> Decimal:
    if decision is Decision.WITHHOLD:
        return Decimal(0)
    if performance.payable_amount is None:
        # no grade (a period not begun, or nothing measured yet): nothing says what to pay
        message = _("%(period)s has no grade yet (not begun, or nothing measured): only "
                    "withholding can be decided on it.", period=performance.period)
        errors["period"] = errors["decision"] = [message]
        return Decimal(0)
    if decision is Decision.PAY:
        return performance.payable_amount
    try:
        value = as_money(amount, "amount", errors, positive=False)
    except ArithmeticError:  # 1e400 and the like: no amount in yuan
        value = None
        errors["amount"] = [_("Enter the amount to pay, in yuan.")]
    if value is None:
        return Decimal(0)
    # a reduction of what the grade gives, not of the installment: a "reduce" on a failed
    # veto (0 %) or a pass (85 %) paid up to the whole installment
    allowed = min(performance.payable_amount, linked)
    if allowed <= 0:
        errors["amount"] = [_("The grade “%(grade)s” pays nothing of this installment: "
                              "withhold it.", grade=grade_label(performance.grade))]
    elif not Decimal(0) <= value < allowed:
        errors["amount"] = [_("A reduced amount lies between 0 and %(max)s.", max=allowed)]
    return value


def record_payment_decision(contract: Contract, period: str | None, *, decision: str,
                            renew: bool, comment: str, actor: User | None,
                            amount: Decimal | str | None = None,
                            basis: str | None = None) -> PaymentDecision:
    """Decide the performance-linked installment on the performance of ``period``.

    A decision already standing on the installment → ``Conflict``; revoke it first. A
    comment is always required. ``basis``: the :attr:`Performance.basis` of the figures the
    decider saw; figures changed since (a veto item failed in an inspection finalized after
    the page was opened) → ``Conflict`` with the figures as they are.
    """
    _require_decider(actor)
    # held as a transition holds it: a termination committing at this instant is waited
    # for and refuses this decision (read active, both stood: a terminated contract decided).
    # Before its performance, as a payment and an amendment hold them
    claim_row(contract, lambda: _refuse_undecided(contract))
    hold_performance([contract.id])
    performance = contract_performance(contract, period)
    if basis is not None and basis != performance.basis:
        raise _figures_changed(performance)
    errors: dict[str, list[str]] = {}
    try:
        choice = Decision(decision)
    except ValueError:
        choice = None
        errors["decision"] = [_("Choose pay, reduce or withhold.")]
    comment = (comment or "").strip() if isinstance(comment, str | None) else ""
    if not comment:
        errors["comment"] = [_("Explain the decision.")]
    elif len(comment) > MAX_TEXT:
        errors["comment"] = [_("At most %(n)d characters.", n=MAX_TEXT)]
    installment = linked_installment(contract)
    if installment is None:
        errors["decision"] = [_("This contract has no performance-linked installment.")]
    pay_amount = Decimal(0)
    if choice is not None and installment is not None:
        pay_amount = _amount(choice, amount, performance, installment.amount, errors)
    if errors:
        raise ValidationError(_("The decision was not recorded."), errors)
    standing = active_decision(contract)
    if standing is not None:
        raise _already_decided(standing)
    row = PaymentDecision(
        contract_id=contract.id, installment_id=installment.id, period=performance.period,
        composite=performance.rounded("composite"), grade=performance.grade,
        payment_share=performance.payment_share, decision=choice, amount=pay_amount,
        renew=bool(renew), comment=comment, decided_by_id=getattr(actor, "id", None),
        decided_at=clock.now())
    # Two officers deciding at the same moment both find no standing decision: the partial
    # unique index refuses the second insert; the SAVEPOINT keeps the session usable.
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except sa.exc.IntegrityError:
        standing = active_decision(contract)
        if standing is None:
            raise
        raise _already_decided(standing) from None
    return row


def _refuse_undecided(contract: Contract) -> None:
    if contract.status not in DECIDED_STATUSES:
        message = _("A contract with status “%(status)s” is not decided: only an active, "
                    "suspended or completed one is.",
                    status=CONTRACT_STATUS_LABELS[contract.status])
        raise Conflict(message, {"decision": [message]})


def _figures_changed(performance) -> Conflict:
    message = _("The performance of %(period)s changed after this page was opened: it is now "
                "%(composite)s, grade “%(grade)s”, %(failed)d veto item(s) failed. Check the "
                "figures and decide again.", period=performance.period,
                composite=performance.rounded("composite") if performance.composite is not None
                else "—", grade=grade_label(performance.grade) if performance.grade else "—",
                failed=len(performance.failed_critical))
    return Conflict(message, {"decision": [message]})


def _already_decided(standing: PaymentDecision) -> Conflict:
    message = _("This installment was already decided on %(day)s (period %(period)s); revoke "
                "that decision with a reason before deciding again.",
                day=standing.decided_at.astimezone(clock.LOCAL_TZ).date().isoformat(),
                period=standing.period)
    return Conflict(message, {"decision": [message]})


def _refuse_if_revoked(row: PaymentDecision) -> None:
    if row.revoked_at is not None:
        raise Conflict(_("This decision was already revoked."))


def _refuse_if_paid(row: PaymentDecision) -> None:
    """The money went out under this decision: revoked, it would leave a paid installment
    with no decision, or one deciding another amount than was paid."""
    paid_at = row.installment.paid_at
    if paid_at is not None:
        message = _("The installment was paid on %(day)s under this decision, which "
                    "therefore stands; settle any difference with the provider outside "
                    "CareProcure.", day=paid_at.astimezone(clock.LOCAL_TZ).date().isoformat())
        raise Conflict(message, {"reason": [message]})


#: what else keeps a decision from being revoked, asked on the decision held: registered by
#: the features this module may not import (an open appeal of it, which only its resolution
#: revises); each answers why, or None, given the decision and the appeal being resolved
_revocation_holds: list[Callable[[PaymentDecision, int | None], str | None]] = []


def register_revocation_hold(hold: Callable[[PaymentDecision, int | None], str | None]):
    _revocation_holds.append(hold)
    return hold


def _refuse_revoking(row: PaymentDecision, resolving: int | None) -> None:
    _refuse_if_revoked(row)
    for hold in _revocation_holds:
        if why := hold(row, resolving):
            raise Conflict(why, {"reason": [why]})


def revoke_payment_decision(row: PaymentDecision, *, reason: str, actor: User | None,
                            resolving: int | None = None) -> PaymentDecision:
    """Withdraw a decision, saying why; the installment may then be decided again. Once the
    installment is paid the decision stands (``Conflict``); under appeal, only the appeal's
    resolution (``resolving``: its id) revokes it."""
    _require_decider(actor)
    claim_row(row, lambda: _refuse_revoking(row, resolving))
    # a payment recorded at this instant is made against the decision as stored (it stands),
    # or finds it revoked and is refused
    claim_row(row.installment, lambda: _refuse_if_paid(row))
    reason = (reason or "").strip() if isinstance(reason, str | None) else ""
    if not reason:
        message = _("Say why the decision is revoked.")
        raise ValidationError(message, {"reason": [message]})
    if len(reason) > MAX_TEXT:
        message = _("At most %(n)d characters.", n=MAX_TEXT)
        raise ValidationError(message, {"reason": [message]})
    row.revoked_at = clock.now()
    row.revoked_by_id = getattr(actor, "id", None)
    row.revoke_reason = reason
    db.session.flush()
    return row


def default_choice(performance) -> str:
    """What the decision form proposes: what the grade gives (nothing for a fail)."""
    if performance.payment_share is not None and performance.payment_share == 0:
        return Decision.WITHHOLD.value
    return Decision.PAY.value


def decided_amount(installment: Installment, *, hold: bool = False) -> Decimal | None:
    """What the decision standing on ``installment`` pays (None while none stands): what
    ``contracts`` asks before paying the installment or amending the contract's amount.
    ``hold``: read with its contract's performance held, as a decision is recorded (an
    amendment lowering the amount as a decision was recorded left the decision above the
    installment)."""
    if hold:
        hold_performance([installment.contract_id])
    return db.session.scalar(sa.select(PaymentDecision.amount).where(
        PaymentDecision.installment_id == installment.id, PaymentDecision.revoked_at.is_(None)))


register_decision_lookup(decided_amount)


# ---- a decision on figures that have since changed ------------------------------------------

def _shown(composite: Decimal | None, grade: str | None) -> dict[str, str]:
    return {"composite": "—" if composite is None else str(composite),
            "grade": grade_label(grade) if grade else "—"}


def _held_by_changed_figures(installment: Installment) -> str | None:
    """The standing decision rests on a grade its period no longer has (an inspection it
    counted replaced by a finalized correction, one corrected on appeal, a veto failed since):
    paid, the installment would pay what the figures as they are may not give, and a paid
    decision stands for good. Only the grade is compared: it alone sets what the decision may
    pay, and the composite moves with every report falling due after a decision made before
    its period's end. The period's grade is the one kept today, else computed again."""
    if not installment.performance_linked:
        return None
    # the figure kept today is what contract_performance gives today (figures.py): one
    # statement on the contract page where it agrees; computed again where it does not
    kept = sa.and_(PerformanceFigure.contract_id == PaymentDecision.contract_id,
                   PerformanceFigure.period == PaymentDecision.period,
                   PerformanceFigure.computed_on == clock.today())
    found = db.session.execute(
        sa.select(PaymentDecision, PerformanceFigure).outerjoin(PerformanceFigure, kept)
        .where(PaymentDecision.installment_id == installment.id,
               PaymentDecision.revoked_at.is_(None))).first()
    if found is None:
        return None
    decision, figure = found
    if figure is not None and figure.grade == decision.grade:
        return None
    try:
        now = contract_performance(installment.contract, decision.period)
    except ValidationError:  # the contract, amended, no longer runs in that period
        current = _shown(None, None)
    else:
        if now.grade == decision.grade:
            return None
        current = _shown(now.rounded("composite"), now.grade)
    was = _shown(decision.composite, decision.grade)
    return _("The figures of %(period)s that the payment decision of %(day)s rests on have "
             "changed since (%(was)s, grade “%(was_grade)s” then; %(now)s, grade "
             "“%(now_grade)s” now): revoke the decision with a reason and record a new one "
             "on the figures as they are before paying.",
             day=decision.decided_at.astimezone(clock.LOCAL_TZ).date().isoformat(),
             period=decision.period, was=was["composite"], was_grade=was["grade"],
             now=current["composite"], now_grade=current["grade"])


register_payment_hold(_held_by_changed_figures)
