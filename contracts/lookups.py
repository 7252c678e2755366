"""The homes and the contracts a user may pick in a form (:class:`app.lookups.Lookup`): a city
officer may pick among hundreds of homes and thousands of contracts, which the form offers
as a typeahead over these.

A home is named by its whole name; a contract by its number, or by its label as the field
shows it ("number title").
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.db import page_of
from app.extensions import db
from app.lookups import Option
from app.users.models import User
from contracts.models import Contract, ContractStatus, Facility
from contracts.visibility import visible_contracts, visible_facilities


def _options(stmt: sa.Select) -> list[Option]:
    return [Option(*row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class FacilityLookup:
    """The facilities ``user`` sees, by name."""

    user: User

    def _rows(self) -> sa.Select:
        return visible_facilities(self.user).with_only_columns(Facility.id, Facility.name) \
            .order_by(Facility.name, Facility.id)

    def first(self, count: int) -> list[Option]:
        return _options(page_of(self._rows(), count))

    def label(self, ident: int) -> str | None:
        return db.session.scalar(self._rows().where(Facility.id == ident)
                                 .with_only_columns(Facility.name))

    def named(self, text: str) -> list[Option]:
        return _options(page_of(self._rows().where(Facility.name == text), 2))

    def matching(self, text: str, count: int) -> list[Option]:
        return _options(page_of(self._rows().where(
            Facility.name.icontains(text, autoescape=True)), count))


#: a contract's label in a form: its number and title
_label = Contract.number + " " + Contract.title


@dataclass(frozen=True)
class ContractLookup:
    """The contracts ``user`` sees (``active_only``: those being performed), by number."""

    user: User
    active_only: bool = False

    def _rows(self) -> sa.Select:
        rows = visible_contracts(self.user).with_only_columns(Contract.id, _label) \
            .order_by(Contract.number, Contract.id)
        return rows.where(Contract.status == ContractStatus.ACTIVE) if self.active_only else rows

    def first(self, count: int) -> list[Option]:
        return _options(page_of(self._rows(), count))

    def label(self, ident: int) -> str | None:
        return db.session.scalar(self._rows().where(Contract.id == ident)
                                 .with_only_columns(_label))

    def named(self, text: str) -> list[Option]:
        number = text.split(maxsplit=1)[0]
        return _options(page_of(self._rows().where(
            Contract.number == number, sa.or_(_label == text, Contract.number == text)), 2))

    def matching(self, text: str, count: int) -> list[Option]:
        return _options(page_of(self._rows().where(sa.or_(
            Contract.number.icontains(text, autoescape=True),
            Contract.title.icontains(text, autoescape=True))), count))
