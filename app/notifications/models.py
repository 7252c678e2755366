"""Notices to users, and what each user wants to receive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db


class Notification(db.Model):
    """One notice to one user; the row stays as the record of what was sent, read or not."""

    __tablename__ = "notifications"
    # high volume and written by jobs; the row itself is the record of what was sent
    __audited__ = False
    __table_args__ = (
        sa.CheckConstraint("email_attempts >= 0", name="email_attempts_non_negative"),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the recipient
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    #: a key of app.notifications.kinds.KINDS
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: relative URL of the object the notice is about ("" when none)
    link: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: table name and id of that object, for lookups from the object's side
    object_type: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    object_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    #: names the event; the same key is never notified twice
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: when the user opened or dismissed it
    read_at: so.Mapped[datetime | None]
    #: e-mail was due when the notice was made (preference on, address known)
    wants_email: so.Mapped[bool] = so.mapped_column(default=False)
    #: when the SMTP server accepted the message
    emailed_at: so.Mapped[datetime | None]
    #: tries so far (successful or not)
    email_attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: the last failure, None after a success
    email_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} to {self.user_id}>"


def of_present_post(post_since: Any) -> sa.ColumnElement[bool]:
    """The notices of the recipient's present post, given their ``User.post_since`` (a column or
    a subquery): those from before their role, region or organization last changed speak of
    another provider's or county's affairs, and are kept but neither shown nor mailed."""
    return Notification.created_at >= sa.func.coalesce(post_since, Notification.created_at)


class NotificationPreference(db.Model):
    """A user's choice for one kind; no row means both channels on."""

    __tablename__ = "notification_preferences"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    #: show notices of this kind in the bell and the list
    in_app: so.Mapped[bool] = so.mapped_column(default=True)
    #: also send them by e-mail
    email: so.Mapped[bool] = so.mapped_column(default=True)
