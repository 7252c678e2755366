"""An appeal (申诉/复核): a provider contests a finalized inspection result or a payment decision.

It lives in reports because it may concern a payment decision (a reports object) as well as an
inspection, and only reports may see both while imports point one way.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin, str_enum
from app.extensions import db

if TYPE_CHECKING:
    from app.regions.models import Region
    from app.users.models import User
    from contracts.models import Contract, Provider
    from evaluations.inspections.models import Inspection
    from reports.performance.models import PaymentDecision


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    #: the officer kept the result or decision as it was
    UPHELD = "upheld"
    #: the officer corrected it: a correction version, or a revised decision
    CORRECTED = "corrected"


class Appeal(TimestampMixin, db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        sa.CheckConstraint("(inspection_id IS NULL) <> (payment_decision_id IS NULL)",
                           name="one_subject"),
        sa.CheckConstraint("reason <> ''", name="reason_required"),
        sa.CheckConstraint("status = 'open' OR resolution_reason <> ''",
                           name="resolution_reason_required"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the finalized inspection appealed (one appeal per inspection; a correction may be
    #: appealed in turn)
    inspection_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("inspections.id"), unique=True)
    #: the payment decision appealed (one appeal per decision)
    payment_decision_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payment_decisions.id"), unique=True)
    #: the contract concerned, if any (the inspection's contract, the decision's contract)
    contract_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contracts.id"),
                                                          index=True)
    #: the provider appealing: the one answerable for the result or paid by the decision
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    #: copied from the subject, for scoping officers' lists
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    status: so.Mapped[AppealStatus] = so.mapped_column(
        str_enum(AppealStatus, "appeal_status", 16), default=AppealStatus.OPEN, index=True)
    #: why the provider contests it
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    #: the evidence the provider offers (documents, witnesses, dates), as text
    evidence: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    opened_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    opened_at: so.Mapped[datetime]
    #: the day the officer should answer by (APPEAL_RESOLVE_DAYS after opening)
    due_by: so.Mapped[date]
    resolved_at: so.Mapped[datetime | None]
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: the officer's reason for upholding or correcting
    resolution_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the correction version of the inspection made to resolve it
    correction_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("inspections.id"))
    #: the decision that replaced the appealed one
    revised_decision_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payment_decisions.id"))

    inspection: so.Mapped[Inspection | None] = so.relationship(foreign_keys=[inspection_id])
    correction: so.Mapped[Inspection | None] = so.relationship(foreign_keys=[correction_id])
    payment_decision: so.Mapped[PaymentDecision | None] = so.relationship(
        foreign_keys=[payment_decision_id])
    revised_decision: so.Mapped[PaymentDecision | None] = so.relationship(
        foreign_keys=[revised_decision_id])
    contract: so.Mapped[Contract | None] = so.relationship()
    provider: so.Mapped[Provider] = so.relationship()
    region: so.Mapped[Region] = so.relationship()
    opened_by: so.Mapped[User | None] = so.relationship(foreign_keys=[opened_by_id])
    resolved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[resolved_by_id])
    #: the files offered as evidence, in the order they came
    files: so.Mapped[list[AppealFile]] = so.relationship(
        back_populates="appeal", order_by="AppealFile.id", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Appeal {self.id} {self.status}>"

    @property
    def is_open(self) -> bool:
        return self.status is AppealStatus.OPEN


class AppealFile(db.Model):
    """A file the provider offers as evidence: a PDF, an image or an Office document stored
    under UPLOAD_DIR/appeals, shown to whoever may read the appeal."""

    __tablename__ = "appeal_files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    appeal_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    #: random file name under UPLOAD_DIR/appeals
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(128))
    size: so.Mapped[int]
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: so.Mapped[datetime]

    appeal: so.Mapped[Appeal] = so.relationship(back_populates="files")
    uploaded_by: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<AppealFile {self.id} of appeal {self.appeal_id}>"
