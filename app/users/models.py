"""Users and their roles (DESIGN.md §1)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from app.db import TimestampMixin
from app.extensions import db

if TYPE_CHECKING:
    from app.regions.models import Region


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    INSPECTOR = "inspector"
    PROVIDER = "provider"


#: roles whose view of the world is a region subtree
REGION_ROLES = frozenset({Role.OFFICER, Role.INSPECTOR})


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audit_redact__ = frozenset({"password_hash"})
    __table_args__ = (
        sa.CheckConstraint(
            "(role NOT IN ('officer', 'inspector') OR region_id IS NOT NULL)"
            " AND (role <> 'provider' OR provider_id IS NOT NULL)",
            name="role_binding",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: login name, stored lower-case
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    #: display name
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    #: werkzeug hash (scrypt in production)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[Role] = so.mapped_column(
        sa.Enum(Role, name="role", native_enum=False, create_constraint=True, length=16,
                values_callable=lambda e: [m.value for m in e])
    )
    #: officers and inspectors see this region's subtree
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: provider users belong to exactly one organization
    provider_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    #: disabled users cannot log in or use tokens
    is_enabled: so.Mapped[bool] = so.mapped_column(default=True)
    #: bumped when the password changes, the account is disabled or the user signs out
    #: everywhere: every session, remember-me cookie and API token of an older generation dies
    session_generation: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    #: preferred UI language; None follows the browser
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    #: officers holding it see resident ID numbers in full (each view audited)
    can_view_full_ids: so.Mapped[bool] = so.mapped_column(default=False)
    last_login_at: so.Mapped[datetime | None]
    #: when the role, region or organization last changed: the notices from before are of the
    #: old post (another provider's, another county's) and are kept but no longer shown or sent
    post_since: so.Mapped[datetime | None]

    region: so.Mapped[Region | None] = so.relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    #: the key of the browser session this request runs in (app.auth), not a column: set
    #: when the browser signs in or its session is loaded
    session_key = None  # a plain attribute: a typed one would be taken for a column

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: a newer
        session generation, or the end of the browser session the key names, makes both
        worthless."""
        return f"{self.id}:{self.session_generation or 0}:{self.session_key or ''}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_active_inspector(self) -> bool:
        """An inspector whose account is enabled: one who may be given work, and reminded
        of it."""
        return self.role is Role.INSPECTOR and self.is_enabled

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
