"""The provider organizations a form may name (:class:`app.lookups.Lookup`): a provider user's
organization, a contract's or a bid's provider. Every registered one, by name or credit code;
a city has ~500. The providers table belongs to a feature; the core reads it through the
shared metadata."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.lookups import Option, RowsLookup


class ProviderLookup(RowsLookup):
    def __init__(self) -> None:
        self.table = db.metadata.tables["providers"]
        self.columns = (self.table.c.id, self.table.c.name)

    def rows(self) -> sa.Select:
        return sa.select(*self.columns).order_by(self.table.c.name, self.table.c.id)

    def named(self, text: str) -> list[Option]:
        t = self.table
        return self._among(sa.or_(t.c.name == text, t.c.credit_code == text.upper()), count=2)

    def matching(self, text: str, count: int) -> list[Option]:
        t = self.table
        return self._among(sa.or_(t.c.name.icontains(text, autoescape=True),
                                  t.c.credit_code.icontains(text, autoescape=True)),
                           count=count)
