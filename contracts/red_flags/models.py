"""An officer's review of one red flag of one procurement (audited like every model)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin, utcnow
from app.extensions import db
from app.users.models import User


class RedFlagReview(TimestampMixin, db.Model):
    """A flag is computed, never stored; its review is. One per procurement and flag code: a
    second review replaces the comment, and the audit trail keeps the first."""

    __tablename__ = "red_flag_reviews"
    __table_args__ = (
        sa.UniqueConstraint("procurement_id", "code", name="uq_red_flag_reviews_procurement_code"),
        sa.CheckConstraint("comment <> ''", name="comment_given"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    procurement_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("procurements.id", ondelete="CASCADE"), index=True)
    #: the flag's code (``contracts.red_flags.rules.CODES``)
    code: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: what the officer found when looking
    comment: so.Mapped[str] = so.mapped_column(sa.Text)
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"),
                                                             index=True)
    reviewed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    reviewed_by: so.Mapped[User | None] = so.relationship(lazy="joined")
