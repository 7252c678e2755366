"""A contract's life after drafting: status transitions, amendments and the timeline of both.
Flush, never commit.

    draft → active → suspended ↔ active → completed | terminated

``completed`` only from ``active``; ``terminated`` from ``active`` or ``suspended``; nothing
leaves ``completed`` or ``terminated``. Every step is a ContractTransition row; every change of
amount, end date or targets after the draft is a ContractAmendment row and a new version.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.money import split_by_shares
from app.unit_of_work import claim_row
from app.users.models import User
from contracts.common import Errors, as_date, as_enum, as_money, raise_if, text
from contracts.entrusted_care import check_children
from contracts.labels import CONTRACT_STATUS_LABELS, PROVIDER_STATUS_LABELS
from contracts.models import (
    Contract,
    ContractAmendment,
    ContractStatus,
    ContractTransition,
    Installment,
    ProviderStatus,
    ServiceType,
)
from contracts.payments import decided_amount, linked_installment
from contracts.targets import check_targets
from contracts.term_length import check_period
from contracts.terms import FINAL_INSTALLMENT_DELAY

S = ContractStatus
#: the legal steps of the state machine
ALLOWED_TRANSITIONS: dict[ContractStatus, frozenset[ContractStatus]] = {
    S.DRAFT: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.COMPLETED, S.TERMINATED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
}
#: steps that must say why
REASON_REQUIRED = frozenset({S.SUSPENDED, S.TERMINATED})
#: fields that change only through an amendment once the contract left the draft state
AMENDABLE_FIELDS = ("amount", "end_date", "targets")


def allowed_transitions(contract: Contract) -> list[ContractStatus]:
    """The statuses the contract may move to now (for buttons and the API's documentation)."""
    return sorted(ALLOWED_TRANSITIONS[contract.status], key=list(ContractStatus).index)


def overlapping_operation(contract: Contract, end_date: date | None = None) -> Contract | None:
    """Another ACTIVE facility_operation contract of the same facility overlapping in time."""
    if contract.service_type is not ServiceType.FACILITY_OPERATION or contract.facility_id is None:
        return None
    end = end_date or contract.end_date
    return db.session.scalars(
        sa.select(Contract).where(
            Contract.id != contract.id,
            Contract.facility_id == contract.facility_id,
            Contract.service_type == ServiceType.FACILITY_OPERATION,
            Contract.status == ContractStatus.ACTIVE,
            Contract.start_date <= end, Contract.end_date >= contract.start_date,
        ).order_by(Contract.start_date)
    ).first()


def _refuse_unless_active_provider(contract: Contract) -> None:
    provider = contract.provider
    if provider.status is not ProviderStatus.ACTIVE:
        raise ValidationError(
            _("The provider's status is “%(status)s”; the contract cannot be activated.",
              status=PROVIDER_STATUS_LABELS[provider.status]),
            {"provider_id": [_("The provider's status is “%(status)s”.",
                               status=PROVIDER_STATUS_LABELS[provider.status])]})


def _claim_the_home(contract: Contract, end_date: date | None = None) -> None:
    """Hold an operated home's row while no other active operation of it may overlap this
    one: two contracts of one home activated at the same instant each found the other still a
    draft, and the home had two operators."""
    if contract.service_type is ServiceType.FACILITY_OPERATION and contract.facility is not None:
        claim_row(contract.facility, lambda: _refuse_overlap(contract, end_date))


def _refuse_overlap(contract: Contract, end_date: date | None = None) -> None:
    other = overlapping_operation(contract, end_date)
    if other is not None:
        message = _("The facility is already operated under contract %(number)s from %(start)s "
                    "to %(end)s; the periods overlap.", number=other.number,
                    start=other.start_date.isoformat(), end=other.end_date.isoformat())
        raise Conflict(message, {"facility_id": [message]})


def transition_contract(contract: Contract, to: ContractStatus | str, *,
                        actor: User | None, reason: str = "") -> ContractTransition:
    """Move the contract to status ``to``.

    Unknown status or missing reason → ``ValidationError``; an illegal step, or activating a
    facility operation that overlaps another active one → ``Conflict``.
    """
    errors: Errors = {}
    target = as_enum(ContractStatus, to, "to", errors)
    reason = text(reason, "reason", errors, max_length=2000,
                  required=target in REASON_REQUIRED)

    def allowed() -> None:
        if target is not None and target not in ALLOWED_TRANSITIONS[contract.status]:
            raise Conflict(
                _("A contract with status “%(from)s” cannot become “%(to)s”.",
                  **{"from": CONTRACT_STATUS_LABELS[contract.status],
                     "to": CONTRACT_STATUS_LABELS[target]}),
                {"to": [_("Allowed now: %(allowed)s.", allowed=", ".join(
                    str(CONTRACT_STATUS_LABELS[s]) for s in allowed_transitions(contract))
                    or "—")]})

    allowed()
    raise_if(errors, _("The contract's status was not changed."))
    # of two officers completing and terminating one contract at once, the second is refused
    # saying why, not only as a record changed since it was loaded (the revision's refusal)
    claim_row(contract, allowed)
    if target is S.ACTIVE:
        # held while checked: a provider suspended, or another contract of the home activated,
        # at the same instant was found as it was before
        claim_row(contract.provider, lambda: _refuse_unless_active_provider(contract))
        _claim_the_home(contract)
    step = ContractTransition(from_status=contract.status, to_status=target,
                              actor_id=actor.id if actor else None, at=clock.now(),
                              reason=reason)
    contract.transitions.append(step)
    was, contract.status = contract.status, target
    day = step.at.astimezone(clock.LOCAL_TZ).date()
    if target is S.ACTIVE and contract.activated_on is None:
        contract.activated_on = day
    elif target is S.TERMINATED:
        contract.terminated_on = day
    if S.SUSPENDED in (was, target):
        contract.suspensions = suspensions_after(contract.suspensions, target, day)
    db.session.flush()
    return step


def suspensions_after(spans: list | None, target: ContractStatus, day: date) -> list:
    """The contract's suspended spans once it moves to ``target`` on ``day``: a suspension
    opens a span, resuming closes it. Terminated while suspended, it never resumed: the span
    stays open, and the reports of its last periods were not asked for either. A new list:
    the column is JSON, whose change in place the session would not see."""
    spans = [list(span) for span in spans or []]
    if target is S.SUSPENDED:
        return [*spans, [day.isoformat(), None]]
    if target is S.ACTIVE and spans and spans[-1][1] is None:
        spans[-1][1] = day.isoformat()
    return spans


_UNSET: Any = object()


def _plain(field: str, value: Any) -> Any:
    if field == "amount":
        return f"{value:.2f}"
    if field == "end_date":
        return value.isoformat()
    return value


def amend_contract(contract: Contract, *, reason: str, actor: User | None,
                   amount: Any = _UNSET, end_date: Any = _UNSET,
                   targets: Any = _UNSET) -> ContractAmendment:
    """A new version changing any of amount, end_date, targets; the reason is required.

    Drafts are edited with ``update_contract`` and closed contracts are final: both
    ``Conflict``. Extending an active facility operation into another's period → ``Conflict``.
    An extension moves the unpaid performance-linked installment after the new end (paid:
    ``Conflict``); an amount leaving that installment below its payment decision → ``Conflict``.
    """
    _refuse_unless_amendable(contract)
    errors: Errors = {}
    reason = text(reason, "reason", errors, max_length=2000, required=True)
    new: dict[str, Any] = {}
    if amount is not _UNSET:
        new["amount"] = as_money(amount, "amount", errors)
    if end_date is not _UNSET:
        new["end_date"] = as_date(end_date, "end_date", errors)
        check_period(contract.start_date, new["end_date"], errors)
    if targets is not _UNSET:
        new["targets"] = check_targets(contract.service_type, targets, errors)
        if contract.service_type is ServiceType.ENTRUSTED_CARE:
            check_children(new["targets"], errors)
    raise_if(errors, _("The contract was not amended."))
    # an amendment sent after the termination is refused saying why (the revision alone
    # refused it as a record changed since it was loaded); the changes are then reckoned
    # against the row as stored
    claim_row(contract, lambda: _refuse_unless_amendable(contract))
    changes = {field: [_plain(field, getattr(contract, field)), _plain(field, value)]
               for field, value in new.items() if getattr(contract, field) != value}
    if not changes:
        raise ValidationError(_("The amendment changes nothing."),
                              {field: [_("Unchanged.")] for field in new} or
                              {"amount": [_("Give a new amount, end date or targets.")]})
    if "end_date" in changes and contract.status is ContractStatus.ACTIVE:
        _claim_the_home(contract, new["end_date"])
    if "amount" in changes:
        after = _installments_after(contract, new["amount"])
        _refuse_below_paid(after)
        _refuse_below_decision(contract, after)
    if "end_date" in changes and new["end_date"] > contract.end_date:
        _defer_linked_installment(contract, new["end_date"])
    for field in changes:
        setattr(contract, field, new[field])
    contract.version += 1
    amendment = ContractAmendment(version=contract.version, changes=changes, reason=reason,
                                  actor_id=actor.id if actor else None, at=clock.now())
    contract.amendments.append(amendment)
    db.session.flush()
    return amendment


def _installments_after(contract: Contract, amount: Decimal) -> dict[Installment, Decimal]:
    """Each installment, read as stored, with what it would be after the amendment: a payment
    holds the contract as this amendment does, so one recorded at this instant has committed
    by now."""
    installments = db.session.scalars(
        sa.select(Installment).where(Installment.contract_id == contract.id)
        .order_by(Installment.seq).execution_options(populate_existing=True)).all()
    shares = [i.share_percent for i in installments]
    return dict(zip(installments, split_by_shares(amount, shares), strict=True))


def _refuse_below_paid(after: dict[Installment, Decimal]) -> None:
    """No installment is amended below what it was paid (the schedule would add up to less
    than the money paid out)."""
    for installment, would_be in after.items():
        if installment.paid_at is not None and installment.paid_amount > would_be:
            message = _("Installment %(n)d was already paid %(paid)s, more than the "
                        "%(amount)s it would be after this amendment.", n=installment.seq,
                        paid=installment.paid_amount, amount=would_be)
            raise Conflict(message, {"amount": [message]})


def _refuse_below_decision(contract: Contract, after: dict[Installment, Decimal]) -> None:
    """The standing decision never pays more than its installment: an amount that would make
    the unpaid performance-linked installment smaller than its decision is refused."""
    linked = linked_installment(contract)
    if linked is None or linked.paid_at is not None:
        return
    # a decision being recorded at this instant read the installment as it was before this
    # amendment: wait for it and weigh it, or it stands above the lowered installment
    decided = decided_amount(linked, hold=True)
    would_be = after[linked]
    if decided is not None and decided > would_be:
        message = _("The payment decision standing on the performance-linked installment pays "
                    "%(decided)s, more than the %(amount)s the installment would be after this "
                    "amendment; revoke the decision first.", decided=decided, amount=would_be)
        raise Conflict(message, {"amount": [message]})


def _defer_linked_installment(contract: Contract, end: date) -> None:
    """The performance-linked installment pays for performance known only after the service
    ends: an extension moves it to the same distance after the new end (at least
    FINAL_INSTALLMENT_DELAY), which a paid one can no longer follow."""
    linked = linked_installment(contract)
    if linked is None:
        return
    if linked.paid_at is not None:
        message = _("The performance-linked installment is already paid: the service can no "
                    "longer be extended.")
        raise Conflict(message, {"end_date": [message]})
    linked.due_date = end + max(FINAL_INSTALLMENT_DELAY, linked.due_date - contract.end_date)


def _refuse_unless_amendable(contract: Contract) -> None:
    if contract.status is ContractStatus.DRAFT:
        raise Conflict(_("A draft is edited directly, not amended."))
    if contract.status in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        raise Conflict(_("A contract with status “%(status)s” cannot be amended.",
                         status=CONTRACT_STATUS_LABELS[contract.status]))


def contract_timeline(contract: Contract) -> list[dict]:
    """Creation, transitions and amendments, oldest first, each with the user who did it
    (read with its user: a statement each, not one more for the users)."""
    def with_actors(model) -> list:
        return db.session.execute(
            sa.select(model, User).outerjoin(User, User.id == model.actor_id)
            .where(model.contract_id == contract.id).order_by(model.id)).all()

    steps = with_actors(ContractTransition)
    events = [{"kind": "created", "at": contract.created_at, "actor": None}]
    events += [{"kind": "transition", "at": t.at, "actor": actor, "item": t}
               for t, actor in steps]
    events += [{"kind": "amendment", "at": a.at, "actor": actor, "item": a}
               for a, actor in with_actors(ContractAmendment)]
    return sorted(events, key=lambda e: e["at"] or datetime.min.replace(tzinfo=UTC))
