"""Corrective actions (整改): findings a provider must fix by a deadline, and their evidence."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import clock
from app.db import TimestampMixin, inline, str_enum, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.regions.models import Region
    from app.users.models import User
    from contracts.models import Contract, Facility, Provider
    from evaluations.assessment.models import TemplateItem
    from evaluations.inspections.models import Inspection


class Severity(enum.StrEnum):
    """Hazard grades of local practice: red is the gravest."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"


class AttachmentKind(enum.StrEnum):
    """What an attachment of a rectification report shows."""

    EVIDENCE = "evidence"
    #: the finding before it was put right
    BEFORE = "before"
    #: the same place once put right
    AFTER = "after"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class CorrectiveAction(TimestampMixin, db.Model):
    """A finding the provider must put right by a deadline (整改)."""

    __tablename__ = "corrective_actions"
    __table_args__ = (
        sa.CheckConstraint("reopen_count >= 0", name="reopen_count_not_negative"),
        sa.CheckConstraint("facility_id IS NOT NULL OR contract_id IS NOT NULL",
                           name="has_target"),
        # the few not closed among a city's thousands (the dashboards' overdue counts)
        sa.Index("ix_corrective_actions_open_deadline", "deadline",
                 postgresql_where=sa.text("status <> 'closed'"),
                 sqlite_where=sa.text("status <> 'closed'")),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the inspection that found it; None for an action raised by hand
    inspection_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("inspections.id"),
                                                            index=True)
    #: the item below its max that it comes from, if any
    item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("template_items.id"))
    facility_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("facilities.id"),
                                                          index=True)
    contract_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("contracts.id"),
                                                          index=True)
    #: the owner: the provider who must act
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    severity: so.Mapped[Severity] = so.mapped_column(str_enum(Severity, "action_severity", 8))
    deadline: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[ActionStatus] = so.mapped_column(
        str_enum(ActionStatus, "action_status", 16), default=ActionStatus.OPEN, index=True)
    #: the provider's rectification report (整改报告): the measures taken (整改措施)
    response: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the report's cause analysis (原因分析)
    cause: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    #: the person responsible for the rectification (整改责任人)
    responsible_person: so.Mapped[str] = so.mapped_column(sa.String(100), default="",
                                                          server_default="")
    #: the day the rectification was completed (整改完成日期)
    completed_on: so.Mapped[date | None]
    responded_at: so.Mapped[datetime | None]
    responded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    closed_at: so.Mapped[datetime | None]
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: how often an officer sent it back after an answer
    reopen_count: so.Mapped[int] = so.mapped_column(default=0)
    #: the officer's comment when returning the report, i.e. the last reopening (the audit
    #: log keeps every earlier one)
    reopen_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the officer's note when closing it
    close_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the re-inspection scheduled to check it, if any
    reinspection_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("inspections.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    inspection: so.Mapped[Inspection | None] = so.relationship(foreign_keys=[inspection_id])
    reinspection: so.Mapped[Inspection | None] = so.relationship(foreign_keys=[reinspection_id])
    item: so.Mapped[TemplateItem | None] = so.relationship()
    facility: so.Mapped[Facility | None] = so.relationship()
    contract: so.Mapped[Contract | None] = so.relationship()
    provider: so.Mapped[Provider] = so.relationship()
    region: so.Mapped[Region] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])
    responded_by: so.Mapped[User | None] = so.relationship(foreign_keys=[responded_by_id])
    closed_by: so.Mapped[User | None] = so.relationship(foreign_keys=[closed_by_id])
    attachments: so.Mapped[list[ActionAttachment]] = so.relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionAttachment.id")

    def __repr__(self) -> str:
        return f"<CorrectiveAction {self.id} {self.status}>"

    def is_overdue_on(self, day: date) -> bool:
        """Past its deadline and not closed; the deadline day itself is still in time."""
        return self.status is not ActionStatus.CLOSED and self.deadline < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(clock.today())


#: an action not closed, as ``ix_corrective_actions_open_deadline`` says it (app.db.inline)
NOT_CLOSED = CorrectiveAction.status != inline(ActionStatus.CLOSED.value)


class ActionAttachment(db.Model):
    """Evidence the provider attaches to an answer: an image or a PDF under UPLOAD_DIR/actions."""

    __tablename__ = "action_attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    #: random file name under UPLOAD_DIR/actions
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    content_type: so.Mapped[str] = so.mapped_column(sa.String(64))
    size: so.Mapped[int]
    #: a before or after photo of the rectification, or other evidence
    kind: so.Mapped[AttachmentKind] = so.mapped_column(
        str_enum(AttachmentKind, "attachment_kind", 16), default=AttachmentKind.EVIDENCE,
        server_default=AttachmentKind.EVIDENCE.value)
    uploaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    action: so.Mapped[CorrectiveAction] = so.relationship(back_populates="attachments")
