"""Procurement (采购项目), bids and the award that drafts a contract. Flush, never commit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from app import clock
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.unit_of_work import claim_row, expect_stamp, page_stamp
from app.users.models import User
from contracts.common import (
    Errors,
    add,
    as_date,
    as_enum,
    as_money,
    raise_if,
    resolve,
    resolve_region,
    text,
)
from contracts.entrusted_care import check_centre
from contracts.labels import PROCUREMENT_STATUS_LABELS
from contracts.models import (
    Bid,
    Contract,
    Facility,
    Procurement,
    ProcurementMethod,
    ProcurementStatus,
    Provider,
    ProviderStatus,
    ServiceType,
)
from contracts.providers import has_valid_qualification
from contracts.term_length import term_end
from contracts.terms import check_actor_region, check_facility, create_contract
from contracts.visibility import nameable_facilities

PROCUREMENT_FIELDS = ("title", "service_type", "region", "facility", "budget", "method",
                      "justification", "published_on", "bid_deadline")


def _clean(data: dict[str, Any], errors: Errors, actor: User | None) -> dict[str, Any]:
    service_type = as_enum(ServiceType, data.get("service_type"), "service_type", errors)
    method = as_enum(ProcurementMethod, data.get("method"), "method", errors)
    region = resolve_region(data.get("region"), "region_code", errors)
    # a facility hidden from the actor answers like a missing one; it may name what the
    # contract its award drafts may name, every child welfare centre with it (a county buys
    # entrusted care from the city's centre, outside the county)
    facility = (resolve(Facility, data["facility"], "facility_id", errors,
                        among=nameable_facilities(actor) if actor is not None else None)
                if data.get("facility") not in (None, "") else None)
    justification = text(data.get("justification"), "justification", errors, max_length=5000)
    if method is ProcurementMethod.SINGLE_SOURCE and not justification:
        add(errors, "justification", _("A single-source purchase must say why no other "
                                       "supplier can provide the service."))
    published = as_date(data.get("published_on"), "published_on", errors, required=False)
    deadline = as_date(data.get("bid_deadline"), "bid_deadline", errors, required=False)
    if published and deadline and deadline < published:
        add(errors, "bid_deadline", _("The bid deadline cannot come before publication."))
    check_facility(service_type, facility, region, errors)
    # without its centre a procurement was opened and bid on, then could never be awarded
    if service_type is ServiceType.ENTRUSTED_CARE and "facility_id" not in errors:
        check_centre(facility, errors)
    check_actor_region(actor, region, errors)
    return dict(title=text(data.get("title"), "title", errors, max_length=200, required=True),
                service_type=service_type, method=method, region=region, facility=facility,
                budget=as_money(data.get("budget"), "budget", errors),
                justification=justification, published_on=published, bid_deadline=deadline)


def create_procurement(*, title: str, service_type: ServiceType | str, region: Any,
                       budget: Any, method: ProcurementMethod | str, justification: str = "",
                       facility: Any = None, published_on: date | str | None = None,
                       bid_deadline: date | str | None = None,
                       actor: User | None = None) -> Procurement:
    """An OPEN procurement. ``region``: row, code or id; ``facility``: row or id (required
    for facility_operation, inside the region); single_source needs a justification."""
    errors: Errors = {}
    values = _clean(dict(title=title, service_type=service_type, region=region, budget=budget,
                         method=method, justification=justification, facility=facility,
                         published_on=published_on, bid_deadline=bid_deadline), errors, actor)
    raise_if(errors, _("The procurement was not saved."))
    procurement = Procurement(status=ProcurementStatus.OPEN, **values)
    db.session.add(procurement)
    db.session.flush()
    return procurement


def _require_open(procurement: Procurement) -> None:
    """Hold the procurement for this change while it is open as stored: a bid, an edit, a
    cancelling or an award started on the open page then waits for, and is refused after, an
    award or a cancelling that got there first (two awards at once made two contracts)."""
    claim_row(procurement, lambda: _refuse_unless_open(procurement))


def _refuse_unless_open(procurement: Procurement) -> None:
    if procurement.status is ProcurementStatus.AWARDED:
        raise Conflict(_("This procurement has already been awarded."))
    if procurement.status is not ProcurementStatus.OPEN:
        raise Conflict(_("The procurement's status is “%(status)s”; it can no longer be "
                         "changed.", status=PROCUREMENT_STATUS_LABELS[procurement.status]))


def procurement_stamp(procurement: Procurement) -> str:
    """A digest of what the procurement's edit page shows (its fields as stored)."""
    return page_stamp([str(getattr(procurement, f"{name}_id" if name in ("region", "facility")
                                   else name)) for name in PROCUREMENT_FIELDS])


def update_procurement(procurement: Procurement, *, actor: User | None = None,
                       seen: str | None = None, **changes: Any) -> Procurement:
    """Edit an open procurement (any of PROCUREMENT_FIELDS). ``seen``: the
    :func:`procurement_stamp` the edit page showed; changed since → ``Conflict``, as a stale
    revision (the page sends every field: it would put back what another officer changed)."""
    _require_open(procurement)
    expect_stamp(seen, procurement_stamp(procurement), "the procurement")
    unknown = set(changes) - set(PROCUREMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown procurement fields: {', '.join(sorted(unknown))}")
    errors: Errors = {}
    current = {field: getattr(procurement, field) for field in PROCUREMENT_FIELDS}
    values = _clean(current | changes, errors, actor)
    raise_if(errors, _("The procurement was not saved."))
    for key, value in values.items():
        setattr(procurement, key, value)
    db.session.flush()
    return procurement


def cancel_procurement(procurement: Procurement, reason: str) -> Procurement:
    _require_open(procurement)
    errors: Errors = {}
    reason = text(reason, "reason", errors, max_length=500, required=True)
    raise_if(errors, _("The procurement was not cancelled."))
    procurement.status, procurement.cancel_reason = ProcurementStatus.CANCELLED, reason
    db.session.flush()
    return procurement


def submit_bid(procurement: Procurement, *, provider: Any, price: Any,
               technical_score: Any = None, notes: str = "") -> Bid:
    """Record a provider's bid; one per provider and procurement (a second → ``Conflict``)."""
    _require_open(procurement)
    errors: Errors = {}
    provider = resolve(Provider, provider, "provider_id", errors)
    price = as_money(price, "price", errors)
    score = None
    if technical_score not in (None, ""):
        try:
            score = Decimal(str(technical_score))
        except (InvalidOperation, ValueError):
            score = Decimal(-1)
        if not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(
                Decimal("0.01")):
            add(errors, "technical_score", _("A score from 0 to 100."))
    notes = text(notes, "notes", errors, max_length=5000)
    today = clock.today()
    if procurement.published_on is not None and today < procurement.published_on:
        add(errors, "published_on", _("The procurement is published on %(day)s: no bid before "
                                      "it.", day=procurement.published_on.isoformat()))
    raise_if(errors, _("The bid was not saved."))
    # held until the commit: an officer judging at this instant whether the provider works
    # only in their county (contracts.providers.check_provider_writer) waits for this bid
    claim_row(provider, lambda: None)
    if any(b.provider_id == provider.id for b in procurement.bids):
        raise Conflict(_("%(name)s has already bid in this procurement.", name=provider.name),
                       {"provider_id": [_("One bid per provider.")]})
    bid = Bid(provider=provider, price=price, technical_score=score, notes=notes)
    procurement.bids.append(bid)
    db.session.flush()
    return bid


def withdraw_bid(bid: Bid) -> None:
    _require_open(bid.procurement)
    bid.procurement.bids.remove(bid)
    db.session.flush()


def award_refusals(bid: Bid, on: date) -> Errors:
    """Why ``bid`` cannot win on day ``on`` (empty when it can)."""
    errors: Errors = {}
    provider, procurement = bid.provider, bid.procurement
    if provider.status is ProviderStatus.SUSPENDED:
        add(errors, "provider_id", _("%(name)s is suspended.", name=provider.name))
    elif provider.status is ProviderStatus.DEBARRED:
        add(errors, "provider_id", _("%(name)s is debarred.", name=provider.name))
    if not has_valid_qualification(provider, on):
        add(errors, "provider_id", _("%(name)s holds no qualification valid on %(day)s.",
                                     name=provider.name, day=on.isoformat()))
    if procurement.bid_deadline is not None and on <= procurement.bid_deadline:
        # bidding is open through its deadline day, as the red flags reckon it
        add(errors, "bid_deadline", _("Bidding is open until %(day)s: award on a later day.",
                                      day=procurement.bid_deadline.isoformat()))
    elif procurement.published_on is not None and on < procurement.published_on:
        add(errors, "published_on", _("The procurement is published on %(day)s: award it on "
                                      "that day or later.",
                                      day=procurement.published_on.isoformat()))
    if bid.price > procurement.budget:
        add(errors, "price", _("The price %(price)s exceeds the budget %(budget)s.",
                               price=f"{bid.price:.2f}", budget=f"{procurement.budget:.2f}"))
    return errors


def _refuse_the_award(bid: Bid, on: date) -> None:
    errors = award_refusals(bid, on)
    if errors:
        raise ValidationError(
            _("The bid cannot be awarded: %(why)s",
              why=" ".join(message for messages in errors.values() for message in messages)),
            errors)


def award_bid(bid: Bid, actor: User | None, today: date | None = None, *,
              start_date: date | None = None, end_date: date | None = None,
              targets: dict | None = None) -> Contract:
    """Award the procurement to ``bid`` and return the DRAFT contract prefilled from it.

    The contract runs one year from ``start_date`` (default: the award day) unless
    ``end_date`` is given; the officer completes targets and schedule on the draft.
    ``targets``: what a draft cannot go without and the procurement does not say (the
    children of entrusted care).
    Refusals → ``ValidationError`` naming each reason; awarded or cancelled → ``Conflict``.
    """
    procurement = bid.procurement
    _require_open(procurement)
    today = today or clock.today()
    # The provider as stored: one suspended at the same instant must not win a draft it could
    # never activate, on a procurement then closed to every other bid.
    claim_row(bid.provider, lambda: _refuse_the_award(bid, today))
    start = start_date or today
    bid.awarded = True
    procurement.status, procurement.awarded_on = ProcurementStatus.AWARDED, today
    return create_contract(
        title=procurement.title, service_type=procurement.service_type, provider=bid.provider,
        region=procurement.region, facility=procurement.facility, procurement=procurement,
        amount=bid.price, start_date=start, targets=targets,
        end_date=end_date or term_end(start, 1), actor=actor)
