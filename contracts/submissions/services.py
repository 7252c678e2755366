"""Submissions (服务报告): drafting, submitting, reviewing, attachments, and what is due.

Only a user of the contract's provider writes a report; only an officer of the contract's region
(or an admin) reviews it. The cycle: draft → submitted → approved, or → returned with a
mandatory comment → submitted again (a resubmission) → approved. Lateness is decided at the
FIRST submission against the period's deadline (a return does not make a report late).

Operations flush, never commit; every change is audited by the listener, and every step of the
cycle is also a :class:`SubmissionEvent`. Periods and deadlines:
``contracts.submissions.schedule``; the content's rules: ``contracts.submissions.data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.db import page_of
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.integrity import explain
from app.scoping import one_visible
from app.unit_of_work import expect_revision
from app.users.models import Role, User
from contracts.models import Contract, ContractStatus
from contracts.submissions.asked import asks_for_reports
from contracts.submissions.data import MAX_TEXT, clean_data
from contracts.submissions.models import (
    Submission,
    SubmissionEvent,
    SubmissionEventKind,
    SubmissionStatus,
)
from contracts.submissions.schedule import (
    Period,
    all_periods,
    due_periods,
    is_late,
    is_overdue,
    is_valid_key,
    normalize_key,
    period_of,
    suspended_on,
    terminated_before,
)
from contracts.visibility import visible_contracts

EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

explain("submissions", ("contract_id", "period"), field="period", message=_l(
    "A report for this period was saved at the same moment; nothing was saved. Reload the "
    "report and try again."))
REVIEWERS = (Role.OFFICER, Role.ADMIN)


# ---- who may do what ----------------------------------------------------------------------

def visible_submissions(user: User) -> sa.Select:
    """The submissions of the contracts ``user`` may see (see contracts.visibility); drafts
    only to the provider."""
    contract_ids = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    stmt = sa.select(Submission).where(Submission.contract_id.in_(contract_ids))
    if not sees_drafts(user):
        stmt = stmt.where(Submission.status != SubmissionStatus.DRAFT)
    return stmt


def sees_drafts(user: User) -> bool:
    """A draft is the provider's own work in progress: nobody else reads it."""
    return user.role is Role.PROVIDER


def get_visible_submission(user: User, submission_id: Any) -> Submission:
    """The submission, or ``NotFound`` (404) when it is missing or hidden from ``user``."""
    return one_visible(visible_submissions(user), Submission.id, submission_id)


def may_edit(user: User | None, contract: Contract) -> bool:
    """A user of the contract's provider."""
    return (user is not None and user.role is Role.PROVIDER
            and user.provider_id is not None and user.provider_id == contract.provider_id)


def may_review(user: User | None, submission: Submission) -> bool:
    """An admin, or an officer whose region holds the contract."""
    if user is None or user.role not in REVIEWERS:
        return False
    return db.session.scalar(visible_contracts(user).with_only_columns(Contract.id)
                             .where(Contract.id == submission.contract_id)) is not None


def require_writer(actor: User | None, contract: Contract) -> None:
    if actor is not None and not may_edit(actor, contract):
        raise Forbidden(_("Only the contract's provider writes its reports."))


# ---- periods --------------------------------------------------------------------------------

def require_period(contract: Contract, key: Any, today: date | None = None) -> Period:
    """The contract's period ``key`` that has begun (by the termination day, too, if the
    contract was terminated); ``ValidationError`` on ``period`` otherwise."""
    def refuse(message: str) -> ValidationError:
        return ValidationError(message, {"period": [message]})

    key = normalize_key(key if isinstance(key, str) else "")
    if not is_valid_key(key):
        raise refuse(_("Give the period as YYYY-MM (a month) or YYYY-Qn (a quarter)."))
    period = period_of(contract, key)
    if period is None and (terminated := terminated_before(contract, key)) is not None:
        raise refuse(_("The contract was terminated on %(day)s; the period %(period)s began "
                       "after it and has no report.", day=terminated.isoformat(), period=key))
    if period is None:
        periods = all_periods(contract)
        raise refuse(_("%(period)s is not a reporting period of this contract (%(cadence)s, "
                       "%(first)s to %(last)s).", period=key,
                       cadence=_("quarterly") if str(contract.reporting) == "quarterly"
                       else _("monthly"),
                       first=periods[0].key if periods else "", last=periods[-1].key
                       if periods else ""))
    if period.start > (today or clock.today()):
        raise refuse(_("The period %(period)s has not begun.", period=key))
    return period


def get_submission(contract: Contract, key: str) -> Submission | None:
    return db.session.scalar(sa.select(Submission).where(
        Submission.contract_id == contract.id, Submission.period == normalize_key(key)))


def _open_submission(contract: Contract, key: Any, actor: User | None,
                     revision: int | None = None) -> tuple[Period, Submission]:
    """The period and its (possibly new, unsaved) submission, if the provider may write it;
    a stored one is written only if still at ``revision`` (when given; 0 when the writer saw
    no report: one saved meanwhile is at none)."""
    require_writer(actor, contract)
    if contract.status is ContractStatus.DRAFT:
        raise Conflict(_("The contract is still a draft; it has no reports yet."))
    period = require_period(contract, key)
    submission = get_submission(contract, period.key)
    if submission is None:
        submission = Submission(contract=contract, period=period.key, data={},
                                status=SubmissionStatus.DRAFT, resubmissions=0, late=False,
                                review_comment="")
    elif submission.status not in EDITABLE:
        raise Conflict(_("The report for %(period)s has been submitted and is %(status)s; it "
                         "cannot be changed.", period=period.key,
                         status=_("approved") if submission.status is SubmissionStatus.APPROVED
                         else _("waiting for review")))
    else:
        expect_revision(submission, revision)
    return period, submission


def _event(submission: Submission, kind: SubmissionEventKind, actor: User | None,
           at: datetime, comment: str = "") -> None:
    submission.events.append(SubmissionEvent(kind=kind, actor_id=getattr(actor, "id", None),
                                             at=at, comment=comment,
                                             version=submission.version))


# ---- the cycle ------------------------------------------------------------------------------

def save_draft(contract: Contract, period: Any, data: Any, *, actor: User | None,
               revision: int | None = None) -> Submission:
    """Keep the provider's work without submitting it (a returned report stays returned)."""
    _, submission = _open_submission(contract, period, actor, revision)
    submission.data = clean_data(contract, data, complete=False)
    submission.author_id = getattr(actor, "id", None)
    db.session.add(submission)
    db.session.flush()
    return submission


def submit_report(contract: Contract, period: Any, data: Any, *, actor: User | None,
                  at: datetime | None = None, revision: int | None = None) -> Submission:
    """Submit the period's report: first submission, or resubmission after a return."""
    found, submission = _open_submission(contract, period, actor, revision)
    cleaned = clean_data(contract, data, complete=True)
    at = at or clock.now()
    resubmission = submission.status is SubmissionStatus.RETURNED
    submission.data = cleaned
    submission.author_id = getattr(actor, "id", None)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = at
    if resubmission:
        submission.resubmissions += 1
        submission.review_comment, submission.reviewed_at, submission.reviewer_id = "", None, None
        _event(submission, SubmissionEventKind.RESUBMITTED, actor, at)
    else:
        submission.first_submitted_at = at
        submission.deadline = found.deadline
        # one falling due while the contract was suspended was not asked for: never late
        submission.late = is_late(found.deadline, at) and not suspended_on(contract, found.deadline)
        _event(submission, SubmissionEventKind.SUBMITTED, actor, at)
    db.session.add(submission)
    db.session.flush()
    return submission


def review_submission(submission: Submission, decision: Any, comment: str | None = "", *,
                      actor: User | None, at: datetime | None = None) -> Submission:
    """Approve, or return with a comment (mandatory), a submission waiting for review."""
    if actor is not None and not may_review(actor, submission):
        raise Forbidden(_("Only an officer of the contract's region reviews its reports."))
    errors: dict[str, list[str]] = {}
    comment = (comment or "").strip()
    if decision not in (SubmissionStatus.APPROVED.value, SubmissionStatus.RETURNED.value):
        errors["decision"] = [_("Choose approved or returned.")]
    elif decision == SubmissionStatus.RETURNED.value and not comment:
        errors["comment"] = [_("Say what must be corrected: a returned report needs a comment.")]
    if len(comment) > MAX_TEXT:  # the page's limit, at the API's door too
        errors["comment"] = [_("At most %(max)d characters.", max=MAX_TEXT)]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], errors)
    if submission.status is not SubmissionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted report waiting for review can be reviewed."))
    at = at or clock.now()
    submission.status = SubmissionStatus(decision)
    submission.reviewed_at, submission.review_comment = at, comment
    submission.reviewer_id = getattr(actor, "id", None)
    kind = (SubmissionEventKind.APPROVED if decision == "approved"
            else SubmissionEventKind.RETURNED)
    _event(submission, kind, actor, at, comment)
    db.session.flush()
    return submission


# ---- what is due, what waits ------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    contract: Contract
    period: Period | None
    submission: Submission | None

    @property
    def state(self) -> str:
        """approved, submitted, returned, draft, overdue, due, excused or upcoming."""
        today = clock.today()
        if self.submission is not None and self.submission.status is not SubmissionStatus.DRAFT:
            return self.submission.status.value
        if self.period is None or self.period.end > today:
            return "upcoming" if self.submission is None else "draft"
        if self.submission is None and suspended_on(self.contract, self.period.deadline):
            return "excused"  # not asked for: "due" told the provider they owed it
        if is_overdue(self.contract, self.period, today):
            return "overdue"
        return "draft" if self.submission is not None else "due"


def submissions_by_period(contract_ids: list[int]) -> dict[tuple[int, str], Submission]:
    """The submissions of these contracts by (contract id, period key), in one statement."""
    if not contract_ids:
        return {}
    # the callers hold the contracts already: joining them in again (the relation's default)
    # made PostgreSQL hash the whole contracts table
    rows = db.session.scalars(sa.select(Submission).where(
        Submission.contract_id.in_(contract_ids)).options(so.lazyload(Submission.contract)))
    return {(s.contract_id, s.period): s for s in rows}


def contract_schedule(contract: Contract, today: date | None = None,
                      viewer: User | None = None) -> list[ReportRow]:
    """Every period that has begun, with its submission (newest period first); shown to
    ``viewer``, a draft only to whoever :func:`sees_drafts`."""
    today = today or clock.today()
    found = submissions_by_period([contract.id])
    if viewer is not None and not sees_drafts(viewer):
        found = {k: s for k, s in found.items() if s.status is not SubmissionStatus.DRAFT}
    return [ReportRow(contract, p, found.get((contract.id, p.key)))
            for p in reversed(all_periods(contract)) if p.start <= today]


def provider_overview(user: User, today: date | None = None) -> dict[str, list[ReportRow]]:
    """A provider's reports: ``due`` (deadline ahead), ``overdue`` (deadline passed, nothing
    submitted), ``returned`` (waiting for resubmission); ``due``/``overdue`` of the contracts
    that ask for reports (:func:`asks_for_reports`), but for the reports excused (falling due
    while the contract was suspended)."""
    today = today or clock.today()
    overview: dict[str, list[ReportRow]] = {"due": [], "overdue": [], "returned": []}
    if user.role is not Role.PROVIDER or user.provider_id is None:
        return overview
    # their transitions (the activation day moves deadlines) in the same statement
    contracts = list(db.session.scalars(sa.select(Contract).where(
        Contract.provider_id == user.provider_id).order_by(Contract.number)
        .options(so.joinedload(Contract.transitions))).unique())
    found = submissions_by_period([c.id for c in contracts])
    for contract in contracts:
        if not asks_for_reports(contract, today):
            continue
        for period in due_periods(contract, today):
            submission = found.get((contract.id, period.key))
            # one falling due while the contract was suspended was not asked for: the provider
            # may still send it from the contract's page, but it is neither due nor overdue
            if suspended_on(contract, period.deadline):
                continue
            if submission is None or submission.status is SubmissionStatus.DRAFT:
                key = "overdue" if is_overdue(contract, period, today) else "due"
                overview[key].append(ReportRow(contract, period, submission))
    by_id = {c.id: c for c in contracts}
    for (contract_id, key), submission in found.items():
        if submission.status is SubmissionStatus.RETURNED:
            contract = by_id[contract_id]
            overview["returned"].append(ReportRow(contract, period_of(contract, key), submission))
    for rows in overview.values():
        rows.sort(key=lambda r: (r.period.deadline if r.period else date.max, r.contract.number))
    return overview


def review_queue_stmt(user: User) -> sa.Select:
    """Submitted and resubmitted reports waiting for review that ``user`` may see, oldest first."""
    return (visible_submissions(user).where(Submission.status == SubmissionStatus.SUBMITTED)
            .order_by(Submission.submitted_at, Submission.id))


def review_queue(user: User, limit: int) -> list[Submission]:
    """The first ``limit`` reports of ``user``'s review queue."""
    return list(db.session.scalars(page_of(review_queue_stmt(user), limit)))


# ---- performance -------------------------------------------------------

class Punctuality(NamedTuple):
    """Reports that count (submitted, or their deadline passed), those of them first sent by
    their deadline, and those excused: falling due while the contract was suspended."""
    counted: int
    on_time: int
    excused: int

    @property
    def percent_on_time(self) -> Decimal | None:
        """% of the reports counted that were on time; ``None`` when none counted."""
        return None if self.counted == 0 else Decimal(100 * self.on_time) / Decimal(self.counted)


def punctuality(contract: Contract, periods: list[Period], today: date) -> Punctuality:
    """Of ``periods`` on ``today``, the reports that count, those on time and those excused."""
    found = submissions_by_period([contract.id])
    counted = on_time = excused = 0
    for period in periods:
        submission = found.get((contract.id, period.key))
        submitted = submission is not None and submission.first_submitted_at is not None
        if not (submitted or period.is_overdue(today)):
            continue
        if suspended_on(contract, period.deadline):
            excused += 1
            continue
        counted += 1
        on_time += bool(submitted and not submission.late)
    return Punctuality(counted, on_time, excused)


def timeliness(contract: Contract, until: date | None = None) -> Decimal | None:
    """% of the reports due by ``until`` (deadline passed, or already submitted) that were
    first submitted by their deadline; ``None`` when none was due."""
    until = until or clock.today()
    return punctuality(contract, due_periods(contract, until), until).percent_on_time

