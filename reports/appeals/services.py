"""Appeals (申诉/复核): opened by a provider within the window, resolved by an officer.

Rules (DESIGN.md §4):

- A provider user may appeal a finalized, current inspection answerable by its organization,
  or a standing payment decision on one of its contracts, within APPEAL_WINDOW_DAYS local days
  of the finalization or the decision (default 10), with a reason and, optionally, evidence.
  One appeal per inspection and per decision; a correction or a revised decision may be
  appealed in turn.
- The officers over the subject's region are notified; the officer answers by ``due_by``
  (APPEAL_RESOLVE_DAYS after opening, default 15).
- The officer resolves it with a reason: ``upheld`` (nothing changes) or ``corrected``. An
  inspection is corrected through a correction version (the existing mechanism: the new
  version is filled in, submitted and finalized, and from then on counts instead of the old);
  a decision is corrected by revoking it and recording the revised decision in the same step.
  The provider's users are notified of the outcome.
- While an appeal is open, the decision it may change is *pending*: an appeal of the
  decision itself, or of an inspection counted in the decision's period.
- Visible to admins, the officers of the region and the provider concerned; nobody else.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.notifications import reminders
from app.notifications.kinds import register_kind
from app.scoping import one_visible, region_subtree
from app.unit_of_work import claim_row
from app.users.models import Role, User
from contracts.models import Contract, Installment
from contracts.payments import register_payment_hold
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import correct_inspection, correction_of
from reports.appeals.models import Appeal, AppealStatus
from reports.performance.decisions import (
    active_decision,
    record_payment_decision,
    register_revocation_hold,
    revoke_payment_decision,
)
from reports.performance.models import PaymentDecision
from reports.performance.services import (
    Performance,
    counted_inspection_ids,
    counted_inspections,
    counts_toward,
    parse_period,
)

APPEAL_OPENED = register_kind("appeal_opened", _l("Appeal opened"))
APPEAL_RESOLVED = register_kind("appeal_resolved", _l("Appeal resolved"))
MAX_TEXT = 5000
OUTCOMES = (AppealStatus.UPHELD.value, AppealStatus.CORRECTED.value)


# ---- visibility -----------------------------------------------------------------------------

def visible_appeals(user: User) -> sa.Select:
    """Admins all; officers their region subtree; providers their own; nobody else."""
    stmt = sa.select(Appeal)
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.OFFICER and user.region is not None:
        return stmt.where(Appeal.region_id.in_(region_subtree(user.region)))
    if user.role is Role.PROVIDER and user.provider_id is not None:
        return stmt.where(Appeal.provider_id == user.provider_id)
    return stmt.where(sa.false())


def get_visible_appeal(user: User, appeal_id: Any) -> Appeal:
    return one_visible(visible_appeals(user), Appeal.id, appeal_id)


def appeal_stmt(user: User, *, status: str | None = None, contract_id: int | None = None,
                inspection_id: int | None = None) -> sa.Select:
    """The visible appeals, filtered as asked: open first, then newest first."""
    stmt = visible_appeals(user)
    if status:
        stmt = stmt.where(Appeal.status == AppealStatus(status))
    if contract_id:
        stmt = stmt.where(Appeal.contract_id == contract_id)
    if inspection_id:
        stmt = stmt.where(Appeal.inspection_id == inspection_id)
    return stmt.order_by((Appeal.status == AppealStatus.OPEN).desc(), Appeal.opened_at.desc(),
                         Appeal.id.desc())


# ---- the window ------------------------------------------------------------------------------

def window_ends(moment) -> date:
    """The last local day an appeal of something finalized or decided at ``moment`` is taken."""
    days = current_app.config["APPEAL_WINDOW_DAYS"]
    return (moment or clock.now()).astimezone(clock.LOCAL_TZ).date() + timedelta(days=days)


def window_open(moment) -> bool:
    """Whether an appeal of something finalized or decided at ``moment`` is still taken."""
    return clock.today() <= window_ends(moment)


def _check_open(subject_moment, reason: Any, evidence: Any) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        errors["reason"] = [_("Say why you appeal.")]
    elif len(text) > MAX_TEXT:
        errors["reason"] = [_("At most %(n)d characters.", n=MAX_TEXT)]
    proof = evidence.strip() if isinstance(evidence, str) else ""
    if evidence is not None and not isinstance(evidence, str):
        errors["evidence"] = [_("Describe the evidence as text.")]
    elif len(proof) > MAX_TEXT:
        errors["evidence"] = [_("At most %(n)d characters.", n=MAX_TEXT)]
    if errors:
        raise ValidationError(_("The appeal was not lodged."), errors)
    last = window_ends(subject_moment)
    if clock.today() > last:
        raise Conflict(_("The appeal window closed on %(day)s.", day=last.isoformat()),
                       {"reason": [_("Appeals are taken within %(n)d days.",
                                     n=current_app.config["APPEAL_WINDOW_DAYS"])]})
    return text, proof


def _store(actor: User, reason: str, evidence: str, **subject: Any) -> Appeal:
    now = clock.now()
    appeal = Appeal(status=AppealStatus.OPEN, reason=reason, evidence=evidence,
                    opened_by_id=actor.id, opened_at=now,
                    due_by=clock.today() + timedelta(
                        days=current_app.config["APPEAL_RESOLVE_DAYS"]), **subject)
    # Two clicks at once both pass the check below; the unique subject column refuses the
    # second insert and the SAVEPOINT keeps the session usable for the 409.
    try:
        with db.session.begin_nested():
            db.session.add(appeal)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise _already() from None
    _notify_officers(appeal)
    return appeal


def _already() -> Conflict:
    return Conflict(_("This has already been appealed."))


def _require_provider(actor: User, provider_id: int | None) -> None:
    if actor is None or actor.role is not Role.PROVIDER or actor.provider_id is None \
            or actor.provider_id != provider_id:
        raise NotFound(_("Not found."))


def open_inspection_appeal(inspection: Inspection, *, reason: Any, evidence: Any = None,
                           actor: User) -> Appeal:
    """The provider appeals a finalized inspection result."""
    _require_provider(actor, inspection.provider_id)
    # a correction made at the same instant holds the inspection too (``correct_inspection``)
    claim_row(inspection, lambda: _refuse_unless_current(inspection))
    text, proof = _check_open(inspection.finalized_at or inspection.updated_at, reason,
                              evidence)
    if db.session.scalar(sa.select(Appeal.id).where(Appeal.inspection_id == inspection.id)):
        raise _already()
    # this appeal holds the payment of the decisions that count the inspection (is_pending),
    # as an appeal of the decision does: a payment at this instant waits, then finds it open;
    # one recorded first stands, the appeal going on beside it
    for installment in _installments_counting(inspection):
        claim_row(installment, lambda: None)
    return _store(actor, text, proof, inspection_id=inspection.id,
                  contract_id=inspection.contract_id, provider_id=inspection.provider_id,
                  region_id=inspection.region_id)


def open_decision_appeal(decision: PaymentDecision, *, reason: Any, evidence: Any = None,
                         actor: User) -> Appeal:
    """The provider appeals a payment decision on one of its contracts."""
    contract = decision.contract
    _require_provider(actor, contract.provider_id)
    # an officer revoking the decision at the same instant holds it too
    claim_row(decision, lambda: _refuse_unless_active(decision))
    # and a payment at this instant waits, then finds the appeal open (it is held back); one
    # recorded first stands, the appeal going on beside it
    claim_row(decision.installment, lambda: None)
    text, proof = _check_open(decision.decided_at, reason, evidence)
    if db.session.scalar(sa.select(Appeal.id).where(Appeal.payment_decision_id == decision.id)):
        raise _already()
    return _store(actor, text, proof, payment_decision_id=decision.id, contract_id=contract.id,
                  provider_id=contract.provider_id, region_id=contract.region_id)


def _installments_counting(inspection: Inspection) -> list[Installment]:
    """The unpaid performance-linked installments of the contracts whose performance counts
    ``inspection`` (:func:`counts_toward`, as ``counted_inspections`` reads it the other way)
    and that run on its day, by id (claimed in one order). Decided or not: a decision
    recorded as this appeal is lodged is held by it too."""
    return list(db.session.scalars(
        sa.select(Installment).join(Contract, Contract.id == Installment.contract_id)
        .join(Inspection, counts_toward(Contract))
        .where(Inspection.id == inspection.id,
               Contract.start_date <= Inspection.scheduled_for,
               Contract.end_date >= Inspection.scheduled_for,
               Installment.performance_linked.is_(True), Installment.paid_at.is_(None))
        .order_by(Installment.id)))


def _refuse_unless_current(inspection: Inspection) -> None:
    if inspection.status is not InspectionStatus.FINALIZED or correction_of(inspection):
        raise Conflict(_("Only the current, finalized result of an inspection is appealed."))


def _refuse_unless_active(decision: PaymentDecision) -> None:
    if not decision.is_active:
        raise Conflict(_("This decision was revoked; appeal the decision that replaced it."))


# ---- resolution ----------------------------------------------------------------------------

def _refuse_unless_open(appeal: Appeal) -> None:
    if not appeal.is_open:
        raise Conflict(_("This appeal was already resolved."))


def resolve_appeal(appeal: Appeal, *, outcome: Any, reason: Any, actor: User,
                   revised: dict | None = None, files_seen: int | None = None,
                   inspector_id: Any = None) -> Appeal:
    """The officer's answer: ``upheld`` or ``corrected``, with a reason.

    Correcting an inspection makes its correction version (to be filled in and finalized as
    any correction); correcting a decision revokes it and records ``revised`` (``decision``,
    ``amount``, ``renew``, ``comment``) in its place. ``files_seen``: how many evidence files
    the officer's page showed; more stored since → ``Conflict`` (read them first).
    ``inspector_id``: who fills the correction in, where the result's own inspector no longer
    may (:func:`evaluations.inspections.services.correct_inspection`).
    """
    if actor is None or actor.role not in (Role.OFFICER, Role.ADMIN):
        raise Forbidden(_("Only officers resolve appeals."))
    claim_row(appeal, lambda: _refuse_unless_open(appeal))
    if files_seen is not None:
        db.session.expire(appeal, ["files"])  # as stored: a file added claims the appeal too
        if (unread := len(appeal.files) - files_seen) > 0:
            message = _("%(n)d evidence file(s) were added after this page was opened; read "
                        "them before resolving the appeal.", n=unread)
            raise Conflict(message, {"outcome": [message]})
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("Choose upheld or corrected.")]
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        errors["reason"] = [_("Give the reason for the outcome.")]
    elif len(text) > MAX_TEXT:
        errors["reason"] = [_("At most %(n)d characters.", n=MAX_TEXT)]
    if outcome == AppealStatus.CORRECTED and appeal.payment_decision_id and not revised:
        errors["revised_decision"] = [_("Give the revised decision.")]
    if errors:
        raise ValidationError(_("The appeal was not resolved."), errors)
    note = _("Appeal #%(id)d: %(reason)s", id=appeal.id, reason=text)
    if outcome == AppealStatus.CORRECTED and appeal.inspection is not None:
        appeal.correction_id = correct_inspection(appeal.inspection, actor=actor, reason=note,
                                                  inspector_id=inspector_id).id
    elif outcome == AppealStatus.CORRECTED:
        appeal.revised_decision_id = _revise(appeal, revised, note, actor).id
    appeal.status = AppealStatus(outcome)
    appeal.resolution_reason = text
    appeal.resolved_at = clock.now()
    appeal.resolved_by_id = actor.id
    db.session.flush()
    _notify_provider(appeal)
    return appeal


def _revise(appeal: Appeal, revised: dict, note: str, actor: User) -> PaymentDecision:
    decision = appeal.payment_decision
    if not decision.is_active:
        raise Conflict(_("This decision was already revoked."))
    # the contract first, as a payment and the revised decision hold it (the revocation
    # holds the installment, which a payment holds after the contract)
    claim_row(decision.contract, lambda: None)
    revoke_payment_decision(decision, reason=note, actor=actor, resolving=appeal.id)
    try:
        return record_payment_decision(
            decision.contract, decision.period, decision=revised.get("decision"),
            renew=bool(revised.get("renew")), amount=revised.get("amount"), actor=actor,
            comment=revised.get("comment") or note)
    except ValidationError as error:
        raise ValidationError(error.message, {f"revised_decision.{name}": messages
                                              for name, messages in error.fields.items()}
                              ) from None


# ---- what other pages show ------------------------------------------------------------------

def appeals_of_inspection(inspection: Inspection) -> list[Appeal]:
    return list(db.session.scalars(sa.select(Appeal).where(
        sa.or_(Appeal.inspection_id == inspection.id, Appeal.correction_id == inspection.id))
        .order_by(Appeal.id)))


def appeals_of_period(contract: Contract, performance: Performance) -> list[Appeal]:
    """Appeals of the inspections ``performance`` counted and of the contract's decisions."""
    ids = counted_inspection_ids(performance)
    if ids is None:  # it does not say: they are counted again
        ids = [i.id for i in counted_inspections(contract,
                                                 parse_period(performance.period, contract))]
    decisions = sa.select(PaymentDecision.id).where(PaymentDecision.contract_id == contract.id)
    return list(db.session.scalars(sa.select(Appeal).where(sa.or_(
        Appeal.inspection_id.in_(ids), Appeal.correction_id.in_(ids),
        Appeal.payment_decision_id.in_(decisions))).order_by(Appeal.id)))


def is_pending(decision: PaymentDecision) -> bool:
    """An appeal may still change ``decision``: one open, or one corrected whose correction
    version is not finalized yet (the figures change when it is)."""
    if decision.revoked_at is not None:
        return False
    contract = decision.contract
    ids = [i.id for i in counted_inspections(contract, parse_period(decision.period, contract))]
    correcting = sa.and_(Appeal.status == AppealStatus.CORRECTED, Appeal.correction_id.in_(
        sa.select(Inspection.id).where(Inspection.status != InspectionStatus.FINALIZED)))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appeal).where(
        sa.or_(Appeal.status == AppealStatus.OPEN, correcting),
        sa.or_(Appeal.payment_decision_id == decision.id, Appeal.inspection_id.in_(ids)))) > 0


def _held_by_an_open_appeal(installment: Installment) -> str | None:
    """The installment waits for an appeal that may still change its decision
    (:func:`is_pending`): paid first, the decision could no longer be revised (a paid
    decision stands)."""
    if not installment.performance_linked:
        return None
    decision = active_decision(installment.contract)
    if decision is None or not is_pending(decision):
        return None
    return _("An appeal may still change this installment's payment decision (it is open, or "
             "the correction it ordered is not finalized): pay it once that is done.")


register_payment_hold(_held_by_an_open_appeal)


# ---- notices --------------------------------------------------------------------------------

def subject_text(appeal: Appeal) -> str:
    if appeal.inspection_id is not None:
        return _("inspection #%(id)d", id=appeal.inspection_id)
    return _("payment decision #%(id)d on contract %(number)s", id=appeal.payment_decision_id,
             number=appeal.contract.number)


def _notify_officers(appeal: Appeal) -> None:
    provider = appeal.provider.name

    def text(user: User) -> tuple[str, str]:
        return (_("Appeal of %(subject)s", subject=subject_text(appeal)),
                _("%(provider)s appeals: %(reason)s — answer by %(day)s.", provider=provider,
                  reason=appeal.reason[:300], day=appeal.due_by.isoformat()))

    reminders.send(reminders.officers_over(appeal.region), APPEAL_OPENED,
                   f"appeal-opened:{appeal.id}", text,
                   reminders.link("reports.appeal_detail", appeal_id=appeal.id), appeal)


def _notify_provider(appeal: Appeal) -> None:
    def text(user: User) -> tuple[str, str]:
        outcome = (_("upheld") if appeal.status is AppealStatus.UPHELD else _("corrected"))
        return (_("Your appeal of %(subject)s was %(outcome)s", subject=subject_text(appeal),
                  outcome=outcome), appeal.resolution_reason[:500])

    reminders.send(reminders.provider_users(appeal.provider_id), APPEAL_RESOLVED,
                   f"appeal-resolved:{appeal.id}", text,
                   reminders.link("reports.appeal_detail", appeal_id=appeal.id), appeal)


@register_revocation_hold
def _under_appeal(decision: PaymentDecision, resolving: int | None) -> str | None:
    """An open appeal of the decision is answered by its resolution, which revises the
    decision: revoked beside it, the appeal could never be corrected (the decision it names
    was gone) and stayed open, reminding the officers."""
    stmt = sa.select(Appeal.id).where(Appeal.payment_decision_id == decision.id,
                                      Appeal.status == AppealStatus.OPEN)
    if resolving is not None:
        stmt = stmt.where(Appeal.id != resolving)
    if (open_id := db.session.scalar(stmt.limit(1))) is None:
        return None
    return _("The decision is under appeal #%(id)d: resolve the appeal, whose correction "
             "replaces the decision.", id=open_id)
