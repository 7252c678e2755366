"""Login attempts (for throttling), browser sessions and API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import utcnow
from app.extensions import db
from app.users.models import User


class LoginAttempt(db.Model):
    """One try at the login form (or for a token); failures slow down the (account, address)
    pair that made them, and many close the address (app.auth.services)."""

    __tablename__ = "login_attempts"
    __audited__ = False
    __table_args__ = (sa.Index("ix_login_attempts_pair", "email", "ip_address", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the e-mail typed, lower-case, whether or not such a user exists
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    ip_address: so.Mapped[str] = so.mapped_column(sa.String(45), index=True)
    succeeded: so.Mapped[bool]
    #: refused unheard while the pair or the address was throttled (the password unchecked)
    throttled: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)


def session_digest(key: str) -> str:
    """What is stored of a browser session's key."""
    return hashlib.sha256(key.encode()).hexdigest()


class UserSession(db.Model):
    """One sign-in of one browser. Its key rides in the session cookie and the remember-me
    cookie (``User.get_id``) and is checked on every request, so that signing out kills every
    copy of either cookie (Flask's session lives in the cookie: nothing else would know it
    ended) while the user's other browsers stay signed in."""

    __tablename__ = "user_sessions"
    __audited__ = False  # signing in and out is audited on the user

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: SHA-256 of the key the cookies carry, so a leaked table grants nothing
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: when the browser signed out; the key is dead from then on
    ended_at: so.Mapped[datetime | None]


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, so a leaked table grants nothing."""

    __tablename__ = "api_tokens"
    __audit_redact__ = frozenset({"token_hash"})

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    revoked_at: so.Mapped[datetime | None]
    last_used_at: so.Mapped[datetime | None]
    #: the user's session generation when the token was issued
    generation: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    user: so.Mapped[User] = so.relationship(lazy="joined")

    def is_valid(self, now: datetime) -> bool:
        return (self.revoked_at is None and self.expires_at > now and self.user.is_enabled
                and self.generation == self.user.session_generation)
