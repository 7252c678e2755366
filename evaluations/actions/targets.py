"""What an officer may raise a corrective action about by hand, as the action form's
typeahead offers it (:class:`app.lookups.Lookup`): the homes they see and their active
contracts, keyed ``facility:<id>`` and ``contract:<id>`` (a city officer sees ~300 and ~1,000,
which as options weighed 130 KB a page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app import validation as v
from app.lookups import Lookup, Option
from app.users.models import User
from contracts.lookups import ContractLookup, FacilityLookup

KINDS = ("facility", "contract")


def target_key(value: Any) -> str | None:
    """``facility:<id>`` or ``contract:<id>`` as sent; none for an empty value; ``ValueError``
    for anything else (refused as a choice)."""
    if value in (None, ""):
        return None
    kind, _sep, ident = str(value).partition(":")
    if kind not in KINDS:
        raise ValueError("not a target")
    return f"{kind}:{v.bounded_int(ident)}"


def split_key(key: str) -> tuple[str, int]:
    kind, _sep, ident = key.partition(":")
    return kind, int(ident)


@dataclass(frozen=True)
class TargetLookup:
    """The homes ``user`` sees, then their active contracts."""

    user: User

    def _parts(self) -> tuple[tuple[str, Lookup], ...]:
        return (("facility", FacilityLookup(self.user)),
                ("contract", ContractLookup(self.user, active_only=True)))

    @staticmethod
    def _shown(kind: str, option: Option) -> Option:
        label = (_("Home: %(name)s", name=option.name) if kind == "facility"
                 else _("Contract %(label)s", label=option.name))
        return Option(f"{kind}:{option.id}", label)

    def _each(self, ask, count: int) -> list[Option]:
        found: list[Option] = []
        for kind, lookup in self._parts():
            if len(found) < count:
                found += [self._shown(kind, o) for o in ask(lookup, count - len(found))]
        return found

    def first(self, count: int) -> list[Option]:
        return self._each(lambda lookup, n: lookup.first(n), count)

    def label(self, ident: str) -> str | None:
        kind, number = split_key(ident)
        lookup = dict(self._parts())[kind]
        name = lookup.label(number)
        return None if name is None else self._shown(kind, Option(number, name)).name

    def named(self, text: str) -> list[Option]:
        return self._each(lambda lookup, n: lookup.named(text)[:n], 2)

    def matching(self, text: str, count: int) -> list[Option]:
        return self._each(lambda lookup, n: lookup.matching(text, n), count)
