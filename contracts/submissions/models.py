"""Submissions (服务报告): what a provider delivers for each reporting period.

One row per contract and period (``"2026-10"`` or ``"2026-Q4"``): the form content as JSON, the
review state and the lateness fixed at the first submission. The cycle draft → submitted →
approved, or → returned (with a comment) → submitted again, is kept as :class:`SubmissionEvent`
rows, shown as a timeline; the audit trail records every change besides.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import Revisioned, TimestampMixin, inline, json_text, str_enum, utcnow
from app.extensions import db
from app.users.models import User
from contracts.models import Contract


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class SubmissionEventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    RESUBMITTED = "resubmitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Submission(Revisioned, TimestampMixin, db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "period"),
        sa.CheckConstraint("resubmissions >= 0", name="resubmissions_not_negative"),
        sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL",
                           name="submitted_has_time"),
        sa.CheckConstraint("status <> 'returned' OR review_comment <> ''",
                           name="returned_has_comment"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    #: reporting period: "2026-10" (month) or "2026-Q4" (quarter)
    period: so.Mapped[str] = so.mapped_column(sa.String(7))
    status: so.Mapped[SubmissionStatus] = so.mapped_column(
        str_enum(SubmissionStatus, "submission_status", 16), default=SubmissionStatus.DRAFT, index=True)
    #: the form's content, by service type (see contracts.submissions.data)
    data: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: when the current version was submitted (UTC)
    submitted_at: so.Mapped[datetime | None]
    #: when the first version was submitted (UTC); timeliness is judged on it
    first_submitted_at: so.Mapped[datetime | None]
    #: first submitted after the deadline day (Asia/Shanghai calendar)
    late: so.Mapped[bool] = so.mapped_column(default=False)
    #: the deadline at the first submission (kept even if the contract is amended later)
    deadline: so.Mapped[date | None]
    reviewed_at: so.Mapped[datetime | None]
    reviewer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the officer's comment of the last review (mandatory on return)
    review_comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: how many times it was submitted again after a return (0 for the first version)
    resubmissions: so.Mapped[int] = so.mapped_column(default=0)
    #: the provider user who last edited it
    author_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    contract: so.Mapped[Contract] = so.relationship(lazy="joined")
    reviewer: so.Mapped[User | None] = so.relationship(foreign_keys=[reviewer_id])
    author: so.Mapped[User | None] = so.relationship(foreign_keys=[author_id])
    events: so.Mapped[list[SubmissionEvent]] = so.relationship(
        back_populates="submission", cascade="all, delete-orphan",
        order_by="SubmissionEvent.id")
    attachments: so.Mapped[list[SubmissionAttachment]] = so.relationship(
        back_populates="submission", cascade="all, delete-orphan",
        order_by="SubmissionAttachment.id")

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.period} {self.status}>"

    @property
    def version(self) -> int:
        """1 for the first version, +1 per resubmission."""
        return self.resubmissions + 1

    @property
    def waiting(self) -> bool:
        """Submitted (or resubmitted) and not reviewed yet."""
        return self.status is SubmissionStatus.SUBMITTED


#: a report the inspection plan counts against its target: late, returned at least once, or
#: reporting incidents — 500 of a city's 34,000, read by the partial index below (its
#: values written into the statement, which must repeat the index's predicate to use it)
#: returned for correction at least once (resubmitted since, or still returned)
RETURNED_ONCE = sa.or_(Submission.resubmissions > inline(0),
                       Submission.status == inline(SubmissionStatus.RETURNED.value))
LATE_RETURNED_OR_INCIDENTS = sa.or_(
    Submission.late, RETURNED_ONCE,
    sa.func.coalesce(json_text(Submission.data, "incidents"), inline("[]")) != inline("[]"))
sa.Index("ix_submissions_first_submitted_at_events", Submission.first_submitted_at,
         postgresql_where=LATE_RETURNED_OR_INCIDENTS)


class SubmissionEvent(db.Model):
    """One step of the review cycle: who, when, what, with the comment."""

    __tablename__ = "submission_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[SubmissionEventKind] = so.mapped_column(
        str_enum(SubmissionEventKind, "submission_event_kind", 16))
    #: who took the step (empty for the system or a deleted user)
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the submission's version the step is about
    version: so.Mapped[int] = so.mapped_column(default=1)

    submission: so.Mapped[Submission] = so.relationship(back_populates="events")
    actor: so.Mapped[User | None] = so.relationship()


class SubmissionAttachment(TimestampMixin, db.Model):
    """A file attached to a submission; bytes under UPLOAD_DIR/submissions/<stored_name>."""

    __tablename__ = "submission_attachments"
    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_not_negative"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    #: a uuid4 in hex, the file's name on disk
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: the name it had on the uploader's computer
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: the media type established from the content
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: bytes
    size: so.Mapped[int]
    #: hex SHA-256 of the content
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    submission: so.Mapped[Submission] = so.relationship(back_populates="attachments")
    uploaded_by: so.Mapped[User | None] = so.relationship()
