"""The append-only audit trail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __audited__ = False

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: the user who acted; None for the system (CLI, scheduler)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: e-mail of the actor at the time, kept if the user is renamed
    actor_label: so.Mapped[str] = so.mapped_column(sa.String(254), default="system")
    #: create, update, delete, or a named event such as "view_full_id"
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: table name of the object
    object_type: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    object_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    #: {field: [old, new]}
    changes: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    ip_address: so.Mapped[str | None] = so.mapped_column(sa.String(45))

    actor = so.relationship("User", lazy="joined")
