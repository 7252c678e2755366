"""Inspections: schedule, fill in (drafts with an optimistic lock), submit, finalize, correct.

Rules (DESIGN.md §4):

- The template version an inspection is scheduled with never changes; answers are checked
  against exactly that version (``inspections.answers``).
- Every save takes the next version in one conditional UPDATE (``guards.claim_version``).
  A whole-form save names the ``version`` it read, a stale one is a ``Conflict``; a device's
  per-item changes are merged item by item (``inspections.sync``).
- Submit refuses an incomplete form and a missing required photo, then stores the result of
  ``scoring.score`` (total rounded half up to one decimal).
- A finalized inspection is immutable: every service refuses it, and a ``before_flush``
  guard (``inspections.immutability``) refuses any change to it, its answers or its photos
  that slips past them. A correction is a new inspection that supersedes the old one.
- Services only flush; the request, the CLI or the seed commits.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app import clock
from app.audit.listener import record_event
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.regions.models import Region
from app.scoping import as_id, one_visible, region_subtree
from app.unit_of_work import claim_row
from app.users.models import Role, User
from contracts.models import Contract, Facility
from contracts.services import operation_contract
from evaluations.assessment.models import (
    AssessmentTemplate,
    TemplateSection,
    TemplateStatus,
    TemplateTarget,
)
from evaluations.assessment.services import current_template, to_scoring_specs
from evaluations.inspections import immutability  # noqa: F401  (installs the finalized-row guard)
from evaluations.inspections.answers import check_complete, stored_answers
from evaluations.inspections.guards import (
    claim_version,
    refuse_unless_editable,
    require_inspector,
    require_officer_of,
    within,
)
from evaluations.inspections.models import Inspection, InspectionAnswer, InspectionStatus
from evaluations.inspections.photos import copy_photo
from evaluations.inspections.sync import save_answers, save_changes
from evaluations.scoring import round_score, score

__all__ = [
    "WITH_FORM", "WITH_INSPECTOR", "correct_inspection", "finalize_inspection",
    "get_visible_inspection", "may_fill_in", "reopen_inspection", "save_answers",
    "save_changes", "schedule_inspection", "submit_inspection", "template_and_inspector",
    "visible_inspections",
]

#: the alphabet of verification codes: base32 without look-alikes is overkill; RFC 4648 is fine
_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_LENGTH = 10


# ---- visibility ---------------------------------------------------------------------------

def visible_inspections(user: User) -> sa.Select:
    """Admins all; officers their region subtree; inspectors only the inspections assigned to
    them; providers only FINALIZED inspections answerable by their own organization."""
    stmt = sa.select(Inspection)
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.OFFICER and user.region is not None:
        return stmt.where(Inspection.region_id.in_(region_subtree(user.region)))
    if user.role is Role.INSPECTOR:
        # a visit called off is no longer the inspector's business
        return stmt.where(Inspection.inspector_id == user.id,
                          Inspection.status != InspectionStatus.CANCELLED)
    if user.role is Role.PROVIDER and user.provider_id is not None:
        return stmt.where(Inspection.provider_id == user.provider_id,
                          Inspection.status == InspectionStatus.FINALIZED)
    return stmt.where(sa.false())


#: what a page showing an inspection's whole form reads with it: its template's sections and
#: their items (item by item, each section was a statement of its own)
WITH_FORM = (so.selectinload(Inspection.template).selectinload(AssessmentTemplate.sections)
             .selectinload(TemplateSection.items),)
#: and what the inspection's page reads of it in the same statement: its inspector with their
#: region and its own region (a correction checks they still inspect there), its target, and
#: the correction replacing it (the page says whether it is current)
WITH_INSPECTOR = (so.joinedload(Inspection.inspector).joinedload(User.region),
                  so.joinedload(Inspection.region), so.joinedload(Inspection.facility),
                  so.joinedload(Inspection.contract), so.joinedload(Inspection.superseded_by))


def get_visible_inspection(user: User, inspection_id: Any, *, options: tuple = ()
                           ) -> Inspection:
    """The inspection (loaded with ``options``), or ``NotFound`` when it is missing or hidden
    from ``user``."""
    return one_visible(visible_inspections(user).options(*options), Inspection.id,
                       inspection_id)


# ---- helpers -------------------------------------------------------------------------------

def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(CODE_LENGTH))
        taken = db.session.scalar(sa.select(Inspection.id)
                                  .where(Inspection.verification_code == code))
        if taken is None:
            return code


def _as_date(value: date | str, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        message = _("Give the date as YYYY-MM-DD.")
        raise ValidationError(message, {field: [message]}) from None


def template_and_inspector(template_id: int, inspector_id: int
                           ) -> tuple[AssessmentTemplate, User]:
    """The template and the inspector named by id, or a ``ValidationError`` naming the one
    that does not exist (the API's scheduling)."""
    template = db.session.get(AssessmentTemplate, template_id)
    inspector = db.session.get(User, inspector_id)
    if template is None:
        message = _("Choose a published assessment template.")
        raise ValidationError(message, {"template_id": [message]})
    if inspector is None:
        message = _("Choose an inspector.")
        raise ValidationError(message, {"inspector_id": [message]})
    # The schedule form offers each code's current version only; the API keeps to it, so that
    # a tablet's stale list cannot plan a visit on a form the bureau has replaced. (Campaigns
    # and re-inspections choose their version themselves and do not come through here.)
    current = current_template(template.code)
    if (template.status is TemplateStatus.PUBLISHED and current is not None
            and current.id != template.id):
        message = _("This is an older version of the template; schedule with its current "
                    "version, v%(version)s (id %(id)s).", version=current.version, id=current.id)
        raise ValidationError(message, {"template_id": [message]})
    return template, inspector


# ---- scheduling ----------------------------------------------------------------------------

def _inspector_problem(inspector: User | None, region: Region | None) -> str | None:
    """Why ``inspector`` cannot fill in a form about a target in ``region``, if they cannot."""
    if inspector is None:
        return _("Choose an inspector.")
    if not inspector.is_active_inspector:
        return _("This user is not an active inspector.")
    if region is not None and not within(region, inspector.region):
        return _("This inspector does not work in the region of the target.")
    return None


def schedule_inspection(*, template: AssessmentTemplate, inspector: User,
                        scheduled_for: date | str, facility: Facility | None = None,
                        contract: Contract | None = None, actor: User | None = None,
                        campaign: Any = None) -> Inspection:
    """Plan an inspection of ``facility`` or ``contract`` with ``template`` for ``inspector``.

    The region, the answerable provider and (for a home) its operation contract on the day
    are copied onto the inspection. An officer ``actor`` may schedule only inside their region.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    day = _as_date(scheduled_for, "scheduled_for")
    if template is None or template.status is not TemplateStatus.PUBLISHED:
        add("template_id", _("Choose a published assessment template."))
        raise ValidationError(_("The inspection cannot be scheduled."), errors)

    region: Region | None = None
    provider_id: int | None = None
    contract_id: int | None = None
    target_field = "facility_id" if template.target is TemplateTarget.FACILITY else "contract_id"
    if template.target is TemplateTarget.FACILITY:
        if facility is None:
            add("facility_id", _("This template inspects a facility: choose one."))
        else:
            region = facility.region
            # a suspended operator too: the inspection counts in its contract's performance
            # (a veto fails it), so it must read and may appeal the result
            operation = operation_contract(facility, day, suspended=True)
            if operation is not None:
                contract_id, provider_id = operation.id, operation.provider_id
    else:
        if contract is None:
            add("contract_id", _("This template assesses a contract: choose one."))
        else:
            region = contract.region
            contract_id, provider_id = contract.id, contract.provider_id

    if (region is not None and actor is not None and actor.role is not Role.ADMIN
            and not (actor.role is Role.OFFICER and within(region, actor.region))):
        add(target_field, _("You may schedule inspections only inside your region."))

    problem = _inspector_problem(inspector, region)
    if problem:
        add("inspector_id", problem)

    if errors:
        raise ValidationError(_("The inspection cannot be scheduled."), errors)

    inspection = Inspection(
        template_id=template.id, facility_id=facility.id if facility is not None
        and template.target is TemplateTarget.FACILITY else None,
        contract_id=contract_id, region_id=region.id, provider_id=provider_id,
        inspector_id=inspector.id, scheduled_by_id=actor.id if actor is not None else None,
        scheduled_for=day, campaign_id=getattr(campaign, "id", campaign),
        status=InspectionStatus.SCHEDULED, version=1, verification_code=_new_code())
    db.session.add(inspection)
    db.session.flush()
    return inspection


# ---- answers and life cycle ----------------------------------------------------------------

def submit_inspection(inspection: Inspection, *, actor: User | None) -> Inspection:
    """Check completeness and evidence, compute the result (DESIGN.md §4) and store it."""
    require_inspector(inspection, actor)
    refuse_unless_editable(inspection)
    check_complete(inspection)
    # the result is scored on the answers read here: a save since then refuses the submit
    claim_version(inspection, expected=inspection.version)
    _answerable_on_the_day(inspection)
    specs, bands = to_scoring_specs(inspection.template)
    result = score(specs, stored_answers(inspection), bands)
    inspection.total = None if result.total is None else round_score(result.total)
    inspection.grade = result.grade
    inspection.section_scores = [
        {"section_id": section.section_id, "score": str(round_score(section.score))}
        for section in result.sections if section.score is not None]
    inspection.failed_critical = list(result.failed_critical)
    inspection.status = InspectionStatus.SUBMITTED
    inspection.submitted_at = clock.now()
    db.session.flush()
    return inspection


def _answerable_on_the_day(inspection: Inspection) -> None:
    """The operator of a home is the one running it on the visit's day, as known now that
    the visit is made: scheduled weeks ahead, a campaign's visit found the operation contract
    still a draft (the operator never read its result) or the home with the operator it was
    handed over from (who read, appealed and was judged by its successor's result). Without
    a contract in force now, the one found when it was scheduled stays."""
    if inspection.template.target is not TemplateTarget.FACILITY or inspection.facility is None:
        return
    operation = operation_contract(inspection.facility, inspection.scheduled_for, suspended=True)
    if operation is not None:
        inspection.contract, inspection.provider = operation, operation.provider


def reopen_inspection(inspection: Inspection, *, actor: User | None, reason: str
                      ) -> Inspection:
    """An officer sends a submitted inspection back to its inspector, saying why."""
    require_officer_of(inspection, actor)
    claim_row(inspection, lambda: _refuse_unless_submitted(inspection, sent_back=True))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the inspection is sent back.")
        raise ValidationError(message, {"reason": [message]})
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.return_reason = reason
    inspection.total = inspection.grade = None
    inspection.section_scores = inspection.failed_critical = None
    inspection.submitted_at = None
    inspection.version += 1
    db.session.flush()
    return inspection


def finalize_inspection(inspection: Inspection, *, actor: User | None,
                        version_seen: int | None = None) -> Inspection:
    """An officer (or admin) of the region signs the result off; it never changes again.
    ``version_seen``: the version of the result the officer read; a result sent back and
    submitted again since → ``Conflict`` (read it first)."""
    require_officer_of(inspection, actor)
    claim_row(inspection, lambda: _refuse_unless_submitted(inspection))
    if version_seen is not None and version_seen != inspection.version:
        raise Conflict(_("The result changed after this page was opened (it was sent back and "
                         "submitted again); read it before finalizing."))
    inspection.status = InspectionStatus.FINALIZED
    inspection.finalized_at = clock.now()
    inspection.finalized_by_id = actor.id if actor is not None else None
    inspection.version += 1
    db.session.flush()
    return inspection


def _refuse_unless_submitted(inspection: Inspection, *, sent_back: bool = False) -> None:
    """Only a submitted inspection is finalized or sent back (:func:`claim_row` runs this on
    the state read, then on the state stored)."""
    if sent_back and inspection.status is not InspectionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted inspection can be sent back."))
    if inspection.status is InspectionStatus.FINALIZED:
        raise Conflict(_("This inspection is already finalized."))
    if inspection.status is not InspectionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted inspection can be finalized."))


def correction_of(inspection: Inspection) -> int | None:
    """The id of the inspection correcting ``inspection``, as stored."""
    return db.session.scalar(sa.select(Inspection.id).where(
        Inspection.supersedes_id == inspection.id))


def _refuse_uncorrectable(inspection: Inspection) -> None:
    if inspection.status is not InspectionStatus.FINALIZED:
        raise Conflict(_("Only a finalized inspection is corrected; change this one directly."))
    corrected = correction_of(inspection)
    if corrected is not None:
        raise Conflict(_("This inspection was already corrected by inspection %(id)d.",
                         id=corrected))


def may_fill_in(inspector: User | None, region: Region | None) -> bool:
    """Whether ``inspector`` may fill in a form about a target in ``region``."""
    return _inspector_problem(inspector, region) is None


def _correction_inspector(inspection: Inspection, inspector_id: Any) -> User:
    """Who fills the correction in: the one named, else the result's own inspector while they
    still can (a correction given to an inspector who has left could never be submitted, and
    the result could never be corrected again)."""
    if inspector_id is None:
        problem = _inspector_problem(inspection.inspector, inspection.region)
        if problem is None:
            return inspection.inspector
        message = _("The inspector of this result can no longer fill in its correction: "
                    "choose another inspector.")
        raise ValidationError(message, {"inspector_id": [message]})
    ident = as_id(inspector_id)
    inspector = db.session.get(User, ident) if ident is not None else None
    problem = _inspector_problem(inspector, inspection.region)
    if problem:
        raise ValidationError(problem, {"inspector_id": [problem]})
    return inspector


def correct_inspection(inspection: Inspection, *, actor: User | None, reason: str,
                       inspector_id: Any = None) -> Inspection:
    """A correction of a finalized inspection: a NEW inspection (same template version and
    target; the inspector named, else the same) with the answers and photos copied, in
    progress. The old one stays finalized and is shown as superseded."""
    require_officer_of(inspection, actor)
    # held, as the provider's appeal holds it: an appeal lodged as the result is corrected
    # would otherwise stand against the result the correction replaces
    claim_row(inspection, lambda: _refuse_uncorrectable(inspection))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the inspection is corrected.")
        raise ValidationError(message, {"reason": [message]})
    inspector = _correction_inspector(inspection, inspector_id)
    new = Inspection(
        template_id=inspection.template_id, facility_id=inspection.facility_id,
        contract_id=inspection.contract_id, region_id=inspection.region_id,
        provider_id=inspection.provider_id, inspector_id=inspector.id,
        scheduled_by_id=actor.id if actor is not None else None,
        scheduled_for=inspection.scheduled_for, campaign_id=inspection.campaign_id,
        status=InspectionStatus.IN_PROGRESS, started_at=clock.now(), version=1,
        supersedes_id=inspection.id, correction_reason=reason,
        summary=inspection.summary, verification_code=_new_code())
    for row in inspection.answers:
        new.answers.append(InspectionAnswer(item_id=row.item_id, points=row.points,
                                            yes=row.yes, na=row.na, note=row.note,
                                            reading=row.reading))
    db.session.add(new)
    db.session.flush()
    for photo in inspection.photos:
        copy_photo(photo, new)
    record_event(db.session, "correct", inspection, {"reason": reason, "correction_id": new.id})
    db.session.flush()
    return new
