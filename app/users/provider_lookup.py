"""The provider organizations a form may name (:class:`app.lookups.Lookup`): a provider user's
organization, a contract's or a bid's provider. Every registered one, by name or credit code;
a city has ~500. The providers table belongs to a feature; the core reads it through the
shared metadata."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.db import page_of
from app.extensions import db
from app.lookups import Option


class ProviderLookup:
    def __init__(self) -> None:
        self.table = db.metadata.tables["providers"]

    def _among(self, *conditions: Any, count: int) -> list[Option]:
        t = self.table
        stmt = sa.select(t.c.id, t.c.name).where(*conditions).order_by(t.c.name, t.c.id)
        return [Option(*row) for row in db.session.execute(page_of(stmt, count))]

    def first(self, count: int) -> list[Option]:
        return self._among(count=count)

    def label(self, ident: int) -> str | None:
        return db.session.scalar(sa.select(self.table.c.name).where(self.table.c.id == ident))

    def named(self, text: str) -> list[Option]:
        t = self.table
        return self._among(sa.or_(t.c.name == text, t.c.credit_code == text.upper()), count=2)

    def matching(self, text: str, count: int) -> list[Option]:
        t = self.table
        return self._among(sa.or_(t.c.name.icontains(text, autoescape=True),
                                  t.c.credit_code.icontains(text, autoescape=True)),
                           count=count)
