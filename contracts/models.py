"""Providers (承接主体). Grows with the contracts issue: facilities, procurement, contracts."""

from __future__ import annotations

import enum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin
from app.extensions import db


class ProviderKind(enum.StrEnum):
    SOCIAL_ORG = "social_org"
    PRIVATE_NONPROFIT = "private_nonprofit"
    FOUNDATION = "foundation"
    COMPANY = "company"
    OTHER = "other"


class Provider(TimestampMixin, db.Model):
    __tablename__ = "providers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: 统一社会信用代码, 18 characters with a GB 32100 check character
    credit_code: so.Mapped[str] = so.mapped_column(sa.String(18), unique=True)
    kind: so.Mapped[ProviderKind] = so.mapped_column(
        sa.Enum(ProviderKind, name="provider_kind", native_enum=False, create_constraint=True,
                length=24, values_callable=lambda e: [m.value for m in e])
    )
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    contact_phone: so.Mapped[str] = so.mapped_column(sa.String(40), default="")

    def __repr__(self) -> str:
        return f"<Provider {self.credit_code} {self.name}>"
