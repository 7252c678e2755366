"""Procurement red flags (the open-contracting family of indicators), as pure functions.

Each rule reads small records of the bureau's own procurement and contract data and returns
the flags it raises, each with its code and the figures behind it. No Flask, no database:
``services`` loads the records in a few queries and words the figures. A flag is a reason to
look, never a verdict.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

#: the flag codes, in the order a page lists them (API.md "Codes")
CODES = ("single_bid", "price_near_budget", "repeated_single_source", "same_winner",
         "close_bids", "amended_upward")

#: thresholds of the rules (the issue's figures)
NEAR_BUDGET = Decimal("0.02")
CLOSE_BIDS = Decimal("0.01")
AMENDED_UP = Decimal("0.10")
SINGLE_SOURCE_WINDOW = timedelta(days=365)
SAME_WINNER_YEARS = 3

COMPETITIVE = frozenset({"open_tender", "competitive_consultation", "request_for_quotation"})


@dataclass(frozen=True)
class BidRecord:
    provider_id: int
    provider_name: str
    price: Decimal
    awarded: bool = False


@dataclass(frozen=True)
class ProcurementRecord:
    id: int
    #: the buying county (the region itself when the procurement is the city's)
    county_id: int
    service_type: str
    method: str
    status: str
    budget: Decimal
    awarded_on: date | None = None
    bid_deadline: date | None = None
    bids: tuple[BidRecord, ...] = ()

    @property
    def winner(self) -> BidRecord | None:
        return next((bid for bid in self.bids if bid.awarded), None)


@dataclass(frozen=True)
class Award:
    """One awarded procurement of the history the cross-procurement rules compare with."""

    procurement_id: int
    county_id: int
    service_type: str
    method: str
    awarded_on: date
    provider_id: int


class History:
    """The awards the cross-procurement rules compare with, grouped by county and service and
    by county and provider, each group sorted by day: a rule reads only its slice (the list
    of thousands of procurements would otherwise compare every pair)."""

    def __init__(self, awards: Iterable[Award]) -> None:
        self._groups: dict[tuple, list[Award]] = defaultdict(list)
        for award in awards:
            self._groups["service", award.county_id, award.service_type].append(award)
            self._groups["provider", award.county_id, award.provider_id].append(award)
        for group in self._groups.values():
            group.sort(key=lambda award: award.awarded_on)
        self._days = {key: [award.awarded_on for award in group]
                      for key, group in self._groups.items()}

    def _between(self, key: tuple, first: date, last: date) -> list[Award]:
        days = self._days.get(key, [])
        return self._groups.get(key, [])[bisect_left(days, first):bisect_right(days, last)]

    def of_service(self, county_id: int, service_type: str, first: date, last: date
                   ) -> list[Award]:
        return self._between(("service", county_id, service_type), first, last)

    def of_provider(self, county_id: int, provider_id: int, first: date, last: date
                    ) -> list[Award]:
        return self._between(("provider", county_id, provider_id), first, last)


@dataclass(frozen=True)
class ContractRecord:
    number: str
    #: the amount signed (before the first amendment of the amount)
    original_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Flag:
    code: str
    #: the figures behind the flag, plain values (the service words them)
    figures: dict = field(default_factory=dict, compare=False)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1"))


def single_bid(p: ProcurementRecord, today: date) -> list[Flag]:
    """A competitive procurement that drew one bid once bidding closed."""
    closed = p.status == "awarded" or (p.status == "open" and p.bid_deadline is not None
                                       and p.bid_deadline < today)
    if p.method in COMPETITIVE and closed and len(p.bids) == 1:
        return [Flag("single_bid", {"method": p.method, "provider": p.bids[0].provider_name})]
    return []


def price_near_budget(p: ProcurementRecord) -> list[Flag]:
    """The award price within 2 % of the budget: no price pressure."""
    winner = p.winner
    if winner is None or p.budget <= 0:
        return []
    gap = p.budget - winner.price
    if abs(gap) <= p.budget * NEAR_BUDGET:
        return [Flag("price_near_budget", {"price": winner.price, "budget": p.budget,
                                           "percent": _percent(winner.price, p.budget)})]
    return []


def close_bids(p: ProcurementRecord) -> list[Flag]:
    """Two bids whose prices sit within 1 % of each other (possible cover bidding); the
    closest pair is named."""
    prices = sorted(p.bids, key=lambda bid: bid.price)
    best = None
    for low, high in zip(prices, prices[1:], strict=False):
        gap = (high.price - low.price) / low.price
        if gap <= CLOSE_BIDS and (best is None or gap < best[0]):
            best = (gap, low, high)
    if best is None:
        return []
    gap, low, high = best
    return [Flag("close_bids", {"first": low.provider_name, "first_price": low.price,
                                "second": high.provider_name, "second_price": high.price,
                                "percent": (gap * 100).quantize(Decimal("0.01"))})]


def repeated_single_source(p: ProcurementRecord, history: Iterable[Award]) -> list[Flag]:
    """A single-source award to a provider that had another single-source award from the
    same county within 12 months before or after it."""
    winner = p.winner
    if p.method != "single_source" or winner is None or p.awarded_on is None:
        return []
    others = sorted(
        (award for award in history
         if award.procurement_id != p.id and award.method == "single_source"
         and award.county_id == p.county_id and award.provider_id == winner.provider_id
         and abs(award.awarded_on - p.awarded_on) <= SINGLE_SOURCE_WINDOW),
        key=lambda award: award.awarded_on)
    if not others:
        return []
    return [Flag("repeated_single_source", {
        "provider": winner.provider_name, "count": len(others) + 1,
        "others": [award.procurement_id for award in others],
        "dates": [award.awarded_on for award in others]})]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def same_winner(p: ProcurementRecord, history: Iterable[Award]) -> list[Flag]:
    """The winner of ``p`` won every award of the same service in the same county in each of
    the 3 years up to ``p``'s award (at least one award in each of those years)."""
    winner = p.winner
    if winner is None or p.awarded_on is None:
        return []
    start = _years_before(p.awarded_on, SAME_WINNER_YEARS)
    window = []
    for award in history:
        if (award.county_id == p.county_id and award.service_type == p.service_type
                and start < award.awarded_on <= p.awarded_on):
            if award.provider_id != winner.provider_id:
                return []  # most windows hold another winner: stop at the first
            window.append(award)
    for year in range(SAME_WINNER_YEARS):
        upper = _years_before(p.awarded_on, year)
        lower = _years_before(p.awarded_on, year + 1)
        if not any(lower < award.awarded_on <= upper for award in window):
            return []
    return [Flag("same_winner", {"provider": winner.provider_name, "count": len(window),
                                 "since": min(award.awarded_on for award in window),
                                 "service_type": p.service_type})]


def amended_upward(contracts: Sequence[ContractRecord]) -> list[Flag]:
    """A contract of the procurement amended upward by more than 10 % of the amount signed."""
    flags = []
    for contract in contracts:
        rise = contract.amount - contract.original_amount
        if contract.original_amount > 0 and rise > contract.original_amount * AMENDED_UP:
            flags.append(Flag("amended_upward", {
                "contract": contract.number, "original": contract.original_amount,
                "amount": contract.amount,
                "percent": _percent(rise, contract.original_amount)}))
    return flags


def red_flags(p: ProcurementRecord, history: History, contracts: Sequence[ContractRecord],
              today: date) -> list[Flag]:
    """Every flag of ``p``, in the order of ``CODES``."""
    flags = single_bid(p, today) + price_near_budget(p) + close_bids(p)
    winner = p.winner
    if winner is not None and p.awarded_on is not None:
        day = p.awarded_on
        flags += repeated_single_source(p, history.of_provider(
            p.county_id, winner.provider_id, day - SINGLE_SOURCE_WINDOW,
            day + SINGLE_SOURCE_WINDOW))
        flags += same_winner(p, history.of_service(
            p.county_id, p.service_type, _years_before(day, SAME_WINNER_YEARS), day))
    flags += amended_upward(contracts)
    return sorted(flags, key=lambda flag: CODES.index(flag.code))
