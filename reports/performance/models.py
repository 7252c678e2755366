"""The officer's decision on a contract period: payment of the performance-linked installment,
and renewal."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db


class Decision(enum.StrEnum):
    PAY = "pay"
    REDUCE = "reduce"
    WITHHOLD = "withhold"


class PaymentDecision(db.Model):
    __tablename__ = "payment_decisions"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "period"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("comment <> ''", name="comment_required"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    #: the performance period decided on: "2026" or "2026-Q3"
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

    decided_by = so.relationship("User")
