"""Scorecards kept in the database: batches made in the background (a campaign's ZIP), and the
verification codes of printed contract performance scorecards."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db
from reports.background import BuiltFile


class ScorecardBatch(BuiltFile, db.Model):
    """A campaign's scorecards, built by the worker into one ZIP."""

    __tablename__ = "scorecard_batches"
    #: progress counters change every few cards; the trail records creation and the outcome
    __audited__ = False
    FILE_AREA = "scorecard_batches"
    STATUS_CONSTRAINT = "batch_status"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    total: so.Mapped[int] = so.mapped_column(default=0)
    done: so.Mapped[int] = so.mapped_column(default=0)


class PerformanceCard(db.Model):
    """A printed contract performance scorecard: its verification code and the figures it
    carried, so that ``/verify/<code>`` can tell whether they still hold."""

    __tablename__ = "performance_cards"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "period", "fingerprint",
                            name="uq_performance_cards_figures"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: 12 characters, so it never equals an inspection's 10-character code
    code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    period: so.Mapped[str] = so.mapped_column(sa.String(7))
    #: the figures as printed
    composite: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 1))
    grade: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    payment_share: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 2))
    #: the decision standing when printed, if any
    decision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payment_decisions.id"))
    #: a digest of the printed figures: the same figures print the same code again
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64))
    issued_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    issued_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    contract = so.relationship("Contract")
    decision = so.relationship("PaymentDecision")
