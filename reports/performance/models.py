"""The officer's decision on the performance-linked installment of a contract: how much of it
is paid, and whether the contract is renewed.

One installment, one decision: a second decision on the same installment is refused until the
first is revoked with a reason. A revoked decision stays, with who revoked it, when and why; a
partial unique index holds the rule in the database, not only in the service.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from contracts.models import Contract, Installment

ACTIVE = sa.text("revoked_at IS NULL")


class Decision(enum.StrEnum):
    PAY = "pay"
    REDUCE = "reduce"
    WITHHOLD = "withhold"


class PaymentDecision(db.Model):
    __tablename__ = "payment_decisions"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("comment <> ''", name="comment_required"),
        sa.CheckConstraint("revoked_at IS NULL OR revoke_reason <> ''",
                           name="revoke_reason_required"),
        sa.Index("uq_payment_decisions_installment_active", "installment_id", unique=True,
                 sqlite_where=ACTIVE, postgresql_where=ACTIVE),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    #: the installment decided on: the contract's performance-linked one
    installment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("installments.id"),
                                                      index=True)
    #: the performance period the decision was based on: "2026" or "2026-Q3"
    period: so.Mapped[str] = so.mapped_column(sa.String(7))
    #: the composite and grade as they stood when deciding (the data may change later)
    composite: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 1))
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    #: % of the performance-linked installment the grade allows
    payment_share: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 2))
    decision: so.Mapped[Decision] = so.mapped_column(
        sa.Enum(Decision, name="payment_decision", native_enum=False, create_constraint=True,
                length=16, values_callable=lambda e: [m.value for m in e]))
    #: yuan to pay of the performance-linked installment
    amount: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(14, 2))
    renew: so.Mapped[bool]
    comment: so.Mapped[str] = so.mapped_column(sa.Text)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: set when the decision is withdrawn (a revision, or an appeal's correction)
    revoked_at: so.Mapped[datetime | None]
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    revoke_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")

    contract: so.Mapped[Contract] = so.relationship()
    installment: so.Mapped[Installment] = so.relationship()
    decided_by = so.relationship("User", foreign_keys=[decided_by_id])
    revoked_by = so.relationship("User", foreign_keys=[revoked_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
