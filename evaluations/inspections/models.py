"""Inspections (检查/评估): one filling of a template about a facility or a contract.

The region and the provider are copied onto the inspection when it is scheduled, so that every
list is scoped with one indexed column (``app.scoping``) and a provider keeps seeing the
inspections of a home it operated at the time, even after the home changes hands.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin, inline, str_enum, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.regions.models import Region
    from app.users.models import User
    from contracts.models import Contract, Facility, Provider
    from evaluations.assessment.models import AssessmentTemplate, TemplateItem


class InspectionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    FINALIZED = "finalized"
    #: called off by an officer before any answer was given; kept, with who and why
    CANCELLED = "cancelled"


class Grade(enum.StrEnum):
    """The codes of the default grade bands; a template may define bands of its own."""

    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"




class Inspection(TimestampMixin, db.Model):
    __tablename__ = "inspections"
    __table_args__ = (
        sa.CheckConstraint("facility_id IS NOT NULL OR contract_id IS NOT NULL",
                           name="has_target"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("total IS NULL OR (total >= 0 AND total <= 100)", name="total_range"),
        # an inspector's lists and a region's, by day (a city holds 60,000 a year)
        sa.Index("ix_inspections_inspector_day", "inspector_id", "scheduled_for"),
        sa.Index("ix_inspections_region_day", "region_id", "scheduled_for"),
        # a provider's list: only its finalized ones, newest first (the busiest of a city's 500
        # providers has 1,000 of 61,000: by the status index alone, 41,000 read and dropped)
        sa.Index("ix_inspections_provider_day", "provider_id", "status", "scheduled_for", "id"),
        # an inspector's latest submitted, newest first (their dashboard)
        sa.Index("ix_inspections_inspector_submitted", "inspector_id", "submitted_at", "id"),
        # the few still open among a year's finalized ones (the dashboards' "due" lists)
        sa.Index("ix_inspections_open_day", "scheduled_for",
                 postgresql_where=sa.text("status IN ('scheduled', 'in_progress')"),
                 sqlite_where=sa.text("status IN ('scheduled', 'in_progress')")),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the exact template version the form was made with; never changes
    template_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessment_templates.id"))
    #: the home inspected (facility templates); None for a contract-only inspection
    # the values they replace are loaded when they change (active_history): figures kept per
    # target must also be recomputed for the target an inspection leaves
    facility_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("facilities.id"),
                                                          index=True, active_history=True)
    #: the contract judged: given for contract templates, and for a home its operation contract
    contract_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contracts.id"),
                                                          index=True, active_history=True)
    #: copied from the facility or contract when scheduled, for scoping
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: the provider answerable for the result (operator or contractor at the time), if any
    provider_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("providers.id"))
    inspector_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: the officer who scheduled it
    scheduled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    scheduled_for: so.Mapped[date] = so.mapped_column(index=True)
    #: a campaign (专项行动) this inspection belongs to, if any
    campaign_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("campaigns.id"),
                                                          index=True)
    status: so.Mapped[InspectionStatus] = so.mapped_column(
        str_enum(InspectionStatus, "inspection_status", 16), default=InspectionStatus.SCHEDULED,
        index=True)
    #: optimistic lock: every save of answers must name the version it read
    version: so.Mapped[int] = so.mapped_column(default=1)
    started_at: so.Mapped[datetime | None]
    submitted_at: so.Mapped[datetime | None]
    finalized_at: so.Mapped[datetime | None]
    finalized_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: the earlier inspection this one corrects; the old one stays, marked superseded
    supersedes_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("inspections.id"),
                                                            unique=True)
    #: result of submit: total rounded half up to one decimal (None if nothing applied)
    total: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 1))
    #: the code of the template's band the result earned (``Grade`` for the default bands)
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    #: [{"section_id": 1, "score": "87.5"}] rounded for display, None-score sections omitted
    section_scores: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    #: ids of critical items that scored 0, in template order
    failed_critical: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    #: short code printed on the scorecard, checked at /verify/<code>
    verification_code: so.Mapped[str | None] = so.mapped_column(sa.String(16), unique=True)
    #: the inspector's overall remarks
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: why the officer sent the submitted form back to the inspector (last time), if ever
    return_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: why this inspection corrects the one it supersedes
    correction_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: when an officer called the visit off (status CANCELLED), who, and why
    cancelled_at: so.Mapped[datetime | None]
    cancelled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    template: so.Mapped[AssessmentTemplate] = so.relationship()
    facility: so.Mapped[Facility | None] = so.relationship()
    contract: so.Mapped[Contract | None] = so.relationship()
    region: so.Mapped[Region] = so.relationship()
    provider: so.Mapped[Provider | None] = so.relationship()
    inspector: so.Mapped[User] = so.relationship(foreign_keys=[inspector_id])
    scheduled_by: so.Mapped[User | None] = so.relationship(foreign_keys=[scheduled_by_id])
    finalized_by: so.Mapped[User | None] = so.relationship(foreign_keys=[finalized_by_id])
    cancelled_by: so.Mapped[User | None] = so.relationship(foreign_keys=[cancelled_by_id])
    supersedes: so.Mapped[Inspection | None] = so.relationship(
        remote_side=[id], back_populates="superseded_by")
    superseded_by: so.Mapped[Inspection | None] = so.relationship(back_populates="supersedes")
    answers: so.Mapped[list[InspectionAnswer]] = so.relationship(
        back_populates="inspection", cascade="all, delete-orphan")
    photos: so.Mapped[list[EvidencePhoto]] = so.relationship(
        back_populates="inspection", cascade="all, delete-orphan",
        order_by="EvidencePhoto.id")
    signatures: so.Mapped[list[InspectionSignature]] = so.relationship(
        back_populates="inspection", cascade="all, delete-orphan",
        order_by="InspectionSignature.role")

    def __repr__(self) -> str:
        return f"<Inspection {self.id} {self.status}>"

    @property
    def is_editable(self) -> bool:
        return self.status in (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)

    @property
    def is_current(self) -> bool:
        """False once a correction of it has been started (it may be corrected only once)."""
        return self.superseded_by is None

    @property
    def is_replaced(self) -> bool:
        """Whether a correction of it has been finalized (:func:`not_replaced`)."""
        return (self.superseded_by is not None
                and self.superseded_by.status is InspectionStatus.FINALIZED)


def not_replaced() -> sa.ColumnElement[bool]:
    """In SQL: no finalized correction supersedes it. A result is replaced when its correction
    is finalized, not when one is started: while the correction is being filled in (an appeal
    upheld in part, say) the result stands — for the payment, the dashboards, the plan and the
    public page alike, so that none of them drops a failed veto the others still count."""
    return Inspection.id.not_in(sa.select(Inspection.supersedes_id).where(
        Inspection.supersedes_id.is_not(None), Inspection.status == InspectionStatus.FINALIZED))


#: the groups of a home's or contract's history whose newest the inspection plan reads
#: (reports.planning.services): one template, one status
HISTORY_GROUP = (Inspection.facility_id, Inspection.contract_id, Inspection.template_id,
                 Inspection.status)
#: newest first in a group; of one day's, the lower id first
HISTORY_ORDER = (Inspection.scheduled_for.desc(), Inspection.id)
# A city's plan reads 14,500 inspections in this order: from the index alone on PostgreSQL
# (what it reads of each is included), without sorting them (half of its 60 ms statement).
sa.Index("ix_inspections_history", *HISTORY_GROUP, *HISTORY_ORDER,
         postgresql_include=["grade", "total", "failed_critical"])
# Whether a template version was used in a region: a probe per version and region (the export
# page's template choices read 61,000 inspections for the handful of versions in use).
sa.Index("ix_inspections_template_region", Inspection.template_id, Inspection.region_id)
# The dashboard counts a year's finalized grades per county (20,000 of a city's inspections):
# from this index alone on PostgreSQL, instead of visiting 1,800 pages of the table.
sa.Index("ix_inspections_status_day", Inspection.status, Inspection.scheduled_for,
         postgresql_include=["region_id", "grade", "id"])


#: an inspection still to be done, as ``ix_inspections_open_day`` says it (app.db.inline)
IS_OPEN = Inspection.status.in_([inline(s.value) for s in (InspectionStatus.SCHEDULED,
                                                          InspectionStatus.IN_PROGRESS)])
#: an inspection still to come: open, and no correction. A correction being filled in is a new
#: version of a visit already made, dated by it; until it is finalized its original stands.
TO_COME = sa.and_(IS_OPEN, Inspection.supersedes_id.is_(None))


class InspectionAnswer(db.Model):
    """The inspector's answer to one item; absent until answered."""

    __tablename__ = "inspection_answers"
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "item_id", name="uq_inspection_answers_item"),
        sa.CheckConstraint("points IS NULL OR points >= 0", name="points_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    inspection_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("template_items.id"))
    #: for `points` items: 0..max in steps of 0.5
    points: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(6, 1))
    #: for `yes_no` items
    yes: so.Mapped[bool | None]
    #: for `reading` items: the measured value (one decimal); the points follow from it
    reading: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(6, 1))
    #: not applicable here (only where the item allows it)
    na: so.Mapped[bool] = so.mapped_column(default=False)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    #: the inspection version whose save last changed this answer (0: before versions were
    #: kept per answer); a device's change based on an older one is a conflict
    version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    inspection: so.Mapped[Inspection] = so.relationship(back_populates="answers")
    item: so.Mapped[TemplateItem] = so.relationship()


class EvidencePhoto(db.Model):
    """A photo attached to an item as evidence, resized on upload, stored outside static/."""

    __tablename__ = "evidence_photos"
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "client_id", name="uq_evidence_photos_client_id"),
        # each quarter leads one index holding all four: a lookup by one quarter checks the
        # others inside the index, never reading the table (evaluations.inspections.integrity)
        *(sa.Index(f"ix_evidence_photos_phash_q{i}",
                   *(f"phash_b{(i + k) % 4}" for k in range(4))) for i in range(4)),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    inspection_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("template_items.id"))
    #: random file name under UPLOAD_DIR/photos
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    content_type: so.Mapped[str] = so.mapped_column(sa.String(32))
    size: so.Mapped[int]
    width: so.Mapped[int]
    height: so.Mapped[int]
    #: when the photo was taken, from its EXIF data, if present
    taken_at: so.Mapped[datetime | None]
    uploaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: the id the device gave the photo when it was taken, so that a retried upload is
    #: recognised instead of stored twice
    client_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: where it was taken, from its EXIF GPS block, if present (WGS-84 degrees)
    gps_latitude: so.Mapped[float | None] = so.mapped_column(sa.Float)
    gps_longitude: so.Mapped[float | None] = so.mapped_column(sa.Float)
    #: 64-bit perceptual hash (16 hex digits, ``imagehash.phash``) of the stored picture; None
    #: for a featureless picture (a blank wall hashes like every other blank wall) and for
    #: photos not hashed yet (``flask inspections hash-photos``)
    phash: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    #: the hash's four 16-bit quarters: a near-identical picture shares at least one quarter
    #: up to a bit or two (``evaluations.inspections.integrity``)
    phash_b0: so.Mapped[int | None]
    phash_b1: so.Mapped[int | None]
    phash_b2: so.Mapped[int | None]
    phash_b3: so.Mapped[int | None]

    inspection: so.Mapped[Inspection] = so.relationship(back_populates="photos")


class SignatureRole(enum.StrEnum):
    INSPECTOR = "inspector"
    #: the home's (or contractor's) representative who was present
    REPRESENTATIVE = "representative"


class InspectionSignature(db.Model):
    """A signature drawn on the device (PNG), with who signed and when; one per role."""

    __tablename__ = "inspection_signatures"
    __table_args__ = (
        sa.UniqueConstraint("inspection_id", "role", name="uq_inspection_signatures_role"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    inspection_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[SignatureRole] = so.mapped_column(
        str_enum(SignatureRole, "signature_role", 16))
    #: the name the signer gave (typed beside the signature)
    signer_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: when it was signed, by the device's clock (it may have been offline)
    signed_at: so.Mapped[datetime]
    #: random file name under UPLOAD_DIR/signatures
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    width: so.Mapped[int]
    height: so.Mapped[int]
    uploaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: the device's id of this signing, so that a retried upload is not applied twice
    client_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))

    inspection: so.Mapped[Inspection] = so.relationship(back_populates="signatures")
