"""Red flags of procurements: load the records in a few queries, run the rules, word the
figures; and the officers' reviews. Flush, never commit.

The cross-procurement rules compare with every award of the buying county (not only the rows
the caller may list): the flag is about the county's purchasing as a whole. Reviews are kept
per procurement and code; a review of a flag that no longer shows stays in the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.regions.models import Region
from app.template_helpers import yuan
from app.users.models import User
from contracts.common import Errors, add, raise_if, text
from contracts.labels import METHOD_LABELS, SERVICE_TYPE_LABELS
from contracts.models import Bid, Contract, ContractAmendment, Procurement, Provider
from contracts.red_flags import rules
from contracts.red_flags.models import RedFlagReview
from contracts.visibility import visible_procurements

#: the rule's name, as a page and the API show it
RULE_LABELS = {
    "single_bid": _l("Single bid"),
    "price_near_budget": _l("Award price near the budget"),
    "repeated_single_source": _l("Repeated single-source purchases"),
    "same_winner": _l("Same winner for 3 years"),
    "close_bids": _l("Bids within one per cent of each other"),
    "amended_upward": _l("Contract amended upward by over 10 %"),
}


@dataclass(frozen=True)
class FlagView:
    """One flag of one procurement, with what a page shows of the procurement."""

    procurement_id: int
    title: str
    region: Region
    flag: rules.Flag
    review: RedFlagReview | None

    @property
    def code(self) -> str:
        return self.flag.code

    @property
    def detail(self) -> str:
        """Worded when shown (a list words only its page)."""
        return detail_of(self.flag)

    @property
    def rule(self) -> str:
        return str(RULE_LABELS[self.code])

    @property
    def reviewed(self) -> bool:
        return self.review is not None


def _day(value: date) -> str:
    return format_date(value, "yyyy-MM-dd")


def detail_of(flag: rules.Flag) -> str:
    """The flag's figures in a sentence of the caller's language."""
    f = flag.figures
    if flag.code == "single_bid":
        return _("Only one bid (%(provider)s) in a competitive procurement (%(method)s).",
                 provider=f["provider"], method=METHOD_LABELS[f["method"]])
    if flag.code == "price_near_budget":
        return _("Awarded at %(price)s, %(percent)s %% of the budget %(budget)s (within 2 %%): "
                 "no sign of price pressure.", price=yuan(f["price"]),
                 percent=f["percent"], budget=yuan(f["budget"]))
    if flag.code == "repeated_single_source":
        others = [_("no. %(id)s awarded %(day)s", id=ident, day=_day(day))
                  for ident, day in zip(f["others"], f["dates"], strict=True)]
        return _("%(count)s single-source purchases from %(provider)s by the same county "
                 "within 12 months; the others: %(others)s.", count=f["count"],
                 provider=f["provider"], others=", ".join(others))
    if flag.code == "same_winner":
        return _("%(provider)s won every %(service)s purchase of this county in each of the "
                 "last 3 years (%(count)s awards since %(since)s).", provider=f["provider"],
                 service=SERVICE_TYPE_LABELS[f["service_type"]], count=f["count"],
                 since=_day(f["since"]))
    if flag.code == "close_bids":
        return _("The bids of %(first)s (%(first_price)s) and %(second)s (%(second_price)s) "
                 "are %(percent)s %% apart (within 1 %%).", first=f["first"],
                 first_price=yuan(f["first_price"]), second=f["second"],
                 second_price=yuan(f["second_price"]), percent=f["percent"])
    return _("Contract %(contract)s was amended from %(original)s to %(amount)s, up "
             "%(percent)s %% (more than 10 %%).", contract=f["contract"],
             original=yuan(f["original"]), amount=yuan(f["amount"]), percent=f["percent"])


# ---- loading -----------------------------------------------------------------------------

def _county_id(path: str) -> int:
    """The county of a region path "/city/county/..." (the city itself at the top)."""
    ids = [int(part) for part in path.strip("/").split("/")]
    return ids[1] if len(ids) > 1 else ids[0]


def _record(p: Procurement) -> rules.ProcurementRecord:
    return rules.ProcurementRecord(
        id=p.id, county_id=_county_id(p.region.path), service_type=p.service_type.value,
        method=p.method.value, status=p.status.value, budget=Decimal(p.budget),
        awarded_on=p.awarded_on, bid_deadline=p.bid_deadline,
        bids=tuple(rules.BidRecord(b.provider_id, b.provider.name, Decimal(b.price), b.awarded)
                   for b in p.bids))


def _history(records: Sequence[rules.ProcurementRecord]) -> rules.History:
    """Every award of the counties of ``records`` in the windows the rules look at (one
    query)."""
    days = [r.awarded_on for r in records if r.awarded_on is not None]
    if not days:
        return rules.History(())
    counties = {r.county_id for r in records}
    first = min(days) - timedelta(days=366 * rules.SAME_WINNER_YEARS)
    last = max(days) + rules.SINGLE_SOURCE_WINDOW
    county = so.aliased(Region)
    in_counties = sa.select(Region.id).join(county, Region.path.startswith(county.path)).where(
        county.id.in_(counties))
    rows = db.session.execute(
        sa.select(Procurement.id, Region.path, Procurement.service_type, Procurement.method,
                  Procurement.awarded_on, Bid.provider_id)
        .join(Region, Region.id == Procurement.region_id)
        .join(Bid, sa.and_(Bid.procurement_id == Procurement.id, Bid.awarded.is_(True)))
        .where(Procurement.awarded_on.between(first, last), Procurement.region_id.in_(in_counties)))
    return rules.History(
        rules.Award(pid, _county_id(path), service.value, method.value, day, provider)
        for pid, path, service, method, day, provider in rows)


def _contracts(ids: list[int]) -> dict[int, list[rules.ContractRecord]]:
    """The contracts of procurements ``ids``, with the amount signed (two queries)."""
    contracts = db.session.execute(
        sa.select(Contract.id, Contract.procurement_id, Contract.number, Contract.amount)
        .where(Contract.procurement_id.in_(ids))).all()
    if not contracts:
        return {}
    signed: dict[int, Decimal] = {}
    for contract_id, changes in db.session.execute(
            sa.select(ContractAmendment.contract_id, ContractAmendment.changes)
            .where(ContractAmendment.contract_id.in_([row.id for row in contracts]))
            .order_by(ContractAmendment.contract_id, ContractAmendment.version)):
        if "amount" in changes and contract_id not in signed:
            signed[contract_id] = Decimal(str(changes["amount"][0]))
    result: dict[int, list[rules.ContractRecord]] = {}
    for contract_id, procurement_id, number, amount in contracts:
        result.setdefault(procurement_id, []).append(rules.ContractRecord(
            number, signed.get(contract_id, Decimal(amount)), Decimal(amount)))
    return result


def _reviews(ids: list[int]) -> dict[tuple[int, str], RedFlagReview]:
    return {(r.procurement_id, r.code): r for r in db.session.scalars(
        sa.select(RedFlagReview).where(RedFlagReview.procurement_id.in_(ids)))}


def _flags(shown: Sequence[tuple[rules.ProcurementRecord, str, Region]],
           ids: list[int], today: date | None) -> list[FlagView]:
    """The flags of ``shown`` (record, title, region), in their order."""
    if not shown:
        return []
    today = today or clock.today()
    history = _history([record for record, _title, _region in shown])
    contracts, reviews = _contracts(ids), _reviews(ids)
    return [FlagView(record.id, title, region, flag, reviews.get((record.id, flag.code)))
            for record, title, region in shown
            for flag in rules.red_flags(record, history, contracts.get(record.id, []), today)]


def flags_of(procurement: Procurement, today: date | None = None) -> list[FlagView]:
    """The flags of one procurement (its page and the API), in five queries."""
    return _flags([(_record(procurement), procurement.title, procurement.region)],
                  [procurement.id], today)


def _listed(ids: list[int]) -> list[tuple[rules.ProcurementRecord, str, Region]]:
    """The procurements ``ids`` as records, newest first, in three queries (columns, not
    objects: the list reads thousands)."""
    bids: dict[int, list[rules.BidRecord]] = {}
    for procurement_id, provider_id, name, price, awarded in db.session.execute(
            sa.select(Bid.procurement_id, Bid.provider_id, Provider.name, Bid.price, Bid.awarded)
            .join(Provider, Provider.id == Bid.provider_id)
            .where(Bid.procurement_id.in_(ids)).order_by(Bid.price)):
        bids.setdefault(procurement_id, []).append(
            rules.BidRecord(provider_id, name, Decimal(price), awarded))
    rows = db.session.execute(
        sa.select(Procurement.id, Procurement.title, Procurement.region_id, Region.path,
                  Procurement.service_type, Procurement.method, Procurement.status,
                  Procurement.budget, Procurement.awarded_on, Procurement.bid_deadline)
        .join(Region, Region.id == Procurement.region_id)
        .where(Procurement.id.in_(ids)).order_by(Procurement.id.desc())).all()
    regions = {region.id: region for region in db.session.scalars(
        sa.select(Region).where(Region.id.in_({row.region_id for row in rows})))}
    return [(rules.ProcurementRecord(
        id=row.id, county_id=_county_id(row.path), service_type=row.service_type.value,
        method=row.method.value, status=row.status.value, budget=Decimal(row.budget),
        awarded_on=row.awarded_on, bid_deadline=row.bid_deadline,
        bids=tuple(bids.get(row.id, ()))), row.title, regions[row.region_id]) for row in rows]


def flag_list(user: User, *, code: str | None = None, region: Region | None = None,
              reviewed: bool | None = None, today: date | None = None) -> list[FlagView]:
    """Every flag of the procurements ``user`` may see, newest procurement first, filtered by
    rule ``code``, ``region`` (it and below) and whether an officer reviewed it."""
    stmt = visible_procurements(user)
    if region is not None:
        stmt = stmt.where(Procurement.region_id.in_(
            sa.select(Region.id).where(Region.path.startswith(region.path))))
    # the ids once, as a list: a subquery in every statement was slower on SQLite
    ids = list(db.session.scalars(stmt.with_only_columns(Procurement.id)))
    flags = _flags(_listed(ids), ids, today)
    return [flag for flag in flags
            if (code is None or flag.code == code)
            and (reviewed is None or flag.reviewed == reviewed)]


# ---- reviews -----------------------------------------------------------------------------

def review_flag(procurement: Procurement, code: Any, comment: Any, actor: User | None,
                today: date | None = None) -> RedFlagReview:
    """Mark the flag ``code`` of ``procurement`` reviewed with ``comment`` (required); a
    flag the procurement does not raise → ``ValidationError`` on ``code``."""
    errors: Errors = {}
    comment = text(comment, "comment", errors, max_length=5000, required=True)
    if code not in {flag.code for flag in flags_of(procurement, today)}:
        add(errors, "code", _("This procurement raises no such flag."))
    raise_if(errors, _("The review was not saved."))
    review = db.session.scalar(sa.select(RedFlagReview).filter_by(
        procurement_id=procurement.id, code=code))
    if review is None:
        review = RedFlagReview(procurement_id=procurement.id, code=code)
        db.session.add(review)
    review.comment, review.reviewed_by, review.reviewed_at = comment, actor, clock.now()
    db.session.flush()
    return review


__all__ = ["RULE_LABELS", "FlagView", "detail_of", "flag_list", "flags_of", "review_flag"]
