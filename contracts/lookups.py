"""The homes, contracts and providers a user may pick in a form (:class:`app.lookups.Lookup`):
a city officer may pick among hundreds of homes and providers and thousands of contracts,
which the forms offer as a typeahead over these.

A home is named by its whole name; a contract by its number, or by its label as the field
shows it ("number title"). Providers: :mod:`app.users.provider_lookup` (a provider user's
organization is picked the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.lookups import Option, RowsLookup
from app.regions.models import Region
from app.users.models import User
from contracts.models import Contract, ContractStatus, Facility
from contracts.visibility import nameable_facilities, visible_contracts, visible_facilities

#: a contract's label in a form: its number and title
_contract_label = Contract.number + " " + Contract.title
#: a home's label in a contract or procurement form: its name and its region's
_home_label = Facility.name + " (" + Region.name + ")"


@dataclass(frozen=True)
class FacilityLookup(RowsLookup):
    """The facilities ``user`` sees, by name."""

    user: User
    columns = (Facility.id, Facility.name)

    def rows(self) -> sa.Select:
        return visible_facilities(self.user).with_only_columns(*self.columns) \
            .order_by(Facility.name, Facility.id)

    def named(self, text: str) -> list[Option]:
        return self._among(Facility.name == text, count=2)

    def matching(self, text: str, count: int) -> list[Option]:
        return self._among(Facility.name.icontains(text, autoescape=True), count=count)


@dataclass(frozen=True)
class ContractLookup(RowsLookup):
    """The contracts ``user`` sees (``active_only``: those being performed), by number."""

    user: User
    active_only: bool = False
    columns = (Contract.id, _contract_label)

    def rows(self) -> sa.Select:
        rows = visible_contracts(self.user).with_only_columns(*self.columns) \
            .order_by(Contract.number, Contract.id)
        return rows.where(Contract.status == ContractStatus.ACTIVE) if self.active_only else rows

    def named(self, text: str) -> list[Option]:
        number = text.split(maxsplit=1)[0]
        return self._among(Contract.number == number,
                           sa.or_(_contract_label == text, Contract.number == text), count=2)

    def matching(self, text: str, count: int) -> list[Option]:
        return self._among(sa.or_(Contract.number.icontains(text, autoescape=True),
                                  Contract.title.icontains(text, autoescape=True)), count=count)


@dataclass(frozen=True)
class NameableFacilityLookup(RowsLookup):
    """The facilities ``user`` may name in a contract or a procurement, with their region."""

    user: User
    columns = (Facility.id, _home_label)

    def rows(self) -> sa.Select:
        return nameable_facilities(self.user).join(Facility.region).with_only_columns(
            *self.columns).order_by(Facility.name, Facility.id)

    def named(self, text: str) -> list[Option]:
        return self._among(sa.or_(Facility.name == text, _home_label == text), count=2)

    def matching(self, text: str, count: int) -> list[Option]:
        return self._among(Facility.name.icontains(text, autoescape=True), count=count)
