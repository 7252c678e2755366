"""A contract's terms: validation, drafting and the payment schedule. Flush, never commit.

A draft may be edited (:func:`update_contract`, within what its award settled); once it has left the draft state its
amount, end date and targets change only through amendments (``contracts.lifecycle``).
The end date is the LAST DAY of service (inclusive): a one-year contract from 2026-01-01 ends
on 2026-12-31, and the longest allowed (3 years) on 2028-12-31.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from app.errors import Conflict
from app.extensions import db
from app.unit_of_work import claim_row
from app.users.models import REGION_ROLES, User
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
from contracts.entrusted_care import check_entrusted_care
from contracts.labels import PROVIDER_STATUS_LABELS
from contracts.models import (
    DEFAULT_WEIGHTS,
    Contract,
    ContractStatus,
    Facility,
    Installment,
    Procurement,
    Provider,
    ProviderStatus,
    Reporting,
    ServiceType,
)
from contracts.numbering import next_contract_number
from contracts.targets import check_targets
from contracts.term_length import check_period
from contracts.visibility import nameable_facilities, visible_procurements

#: the performance-linked last installment falls due this long after the end of service
FINAL_INSTALLMENT_DELAY = timedelta(days=30)

CONTRACT_FIELDS = ("title", "service_type", "provider", "region", "facility", "procurement",
                   "start_date", "end_date", "amount", "reporting", "targets", "weights",
                   "report_due_days")


# ---- field checks ------------------------------------------------------------------------

def whole_number(raw: Any) -> int | None:
    """``raw`` (an int or its text) as a whole number of at most nine ASCII digits, else None:
    ``"²".isdigit()`` is true yet ``int("²")`` fails, and a long enough text of digits is
    more than ``int()`` converts."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    digits = str(raw)
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None


def check_weights(value: Any, errors: Errors) -> dict:
    if value in (None, ""):
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(value, dict) or set(value) != set(DEFAULT_WEIGHTS):
        add(errors, "weights", _("Weights are needed for exactly: inspection, timeliness, "
                                 "targets."))
        return dict(DEFAULT_WEIGHTS)
    weights = {}
    for key, raw in value.items():
        weight = whole_number(raw)
        if weight is None:
            add(errors, "weights", _("Each weight is a whole number from 0 to 100."))
            return dict(DEFAULT_WEIGHTS)
        weights[key] = weight
    if sum(weights.values()) != 100:
        add(errors, "weights", _("The weights must sum to 100 (now %(n)d).",
                                 n=sum(weights.values())))
    return weights


def check_facility(service_type: ServiceType | None, facility: Facility | None,
                   region: Any, errors: Errors) -> None:
    if service_type is ServiceType.FACILITY_OPERATION and facility is None:
        add(errors, "facility_id", _("A facility operation contract needs a facility."))
    # the centre of entrusted care is the city's, outside the entrusting county
    if (facility is not None and region is not None and not region.contains(facility.region)
            and service_type is not ServiceType.ENTRUSTED_CARE):
        add(errors, "facility_id", _("The facility lies outside the contract's region."))


def check_actor_region(actor: User | None, region: Any, errors: Errors) -> None:
    """Officers and inspectors act only inside their own region subtree."""
    if (actor is not None and actor.role in REGION_ROLES and region is not None
            and actor.region is not None and not actor.region.contains(region)):
        add(errors, "region_code", _("This region lies outside your own region."))


def _clean(data: dict[str, Any], errors: Errors, actor: User | None) -> dict[str, Any]:
    service_type = as_enum(ServiceType, data.get("service_type"), "service_type", errors)
    provider = resolve(Provider, data.get("provider"), "provider_id", errors)
    if provider is not None and provider.status is not ProviderStatus.ACTIVE:
        add(errors, "provider_id", _("The provider's status is “%(status)s”.",
                                     status=PROVIDER_STATUS_LABELS[provider.status]))
    region = resolve_region(data.get("region"), "region_code", errors)
    # a facility or procurement hidden from the actor answers like a missing one
    facility = (resolve(Facility, data["facility"], "facility_id", errors,
                        among=nameable_facilities(actor) if actor is not None else None)
                if data.get("facility") not in (None, "") else None)
    procurement = (resolve(Procurement, data["procurement"], "procurement_id", errors,
                           among=visible_procurements(actor) if actor is not None else None)
                   if data.get("procurement") not in (None, "") else None)
    start = as_date(data.get("start_date"), "start_date", errors)
    end = as_date(data.get("end_date"), "end_date", errors)
    check_period(start, end, errors)
    check_facility(service_type, facility, region, errors)
    check_actor_region(actor, region, errors)
    due_days = whole_number(data.get("report_due_days", 10))
    if due_days is None or due_days > 90:
        add(errors, "report_due_days", _("A whole number of days from 0 to 90."))
        due_days = 10
    targets = check_targets(service_type, data.get("targets"), errors)
    if service_type is ServiceType.ENTRUSTED_CARE:
        check_entrusted_care(provider=provider, region=region, centre=facility,
                             targets=targets, start=start, errors=errors)
    return dict(
        title=text(data.get("title"), "title", errors, max_length=200, required=True),
        service_type=service_type, provider=provider, region=region, facility=facility,
        procurement=procurement, start_date=start, end_date=end,
        amount=as_money(data.get("amount"), "amount", errors),
        reporting=as_enum(Reporting, data.get("reporting") or "monthly", "reporting", errors),
        targets=targets,
        weights=check_weights(data.get("weights"), errors),
        report_due_days=due_days,
    )


# ---- payment schedule --------------------------------------------------------------------

def default_schedule(start: date, end: date) -> list[dict[str, Any]]:
    """50 % when service starts, 50 % performance-linked 30 days after it ends."""
    return [
        {"share_percent": Decimal(50), "due_date": start, "performance_linked": False},
        {"share_percent": Decimal(50), "due_date": end + FINAL_INSTALLMENT_DELAY,
         "performance_linked": True},
    ]


def check_schedule(items: Sequence[dict[str, Any]], start: date | None,
                   errors: Errors) -> list[dict[str, Any]]:
    """Shares sum to exactly 100; exactly the last installment is performance-linked."""
    if not items:
        add(errors, "installments", _("A payment schedule needs at least one installment."))
        return []
    clean, given_links = [], [i.get("performance_linked") for i in items]
    for seq, item in enumerate(items, start=1):
        share = as_money(item.get("share_percent"), "installments", errors)
        due = as_date(item.get("due_date"), "installments", errors)
        if share is not None and share > 100:
            add(errors, "installments", _("A share is at most 100%."))
        if due is not None and start is not None and due < start:
            add(errors, "installments", _("Installment %(n)d falls due before the contract "
                                          "starts.", n=seq))
        clean.append({"seq": seq, "share_percent": share, "due_date": due,
                      "performance_linked": seq == len(items)})
    if any(c["share_percent"] is None for c in clean):
        return clean
    total = sum(c["share_percent"] for c in clean)
    if total != 100:
        add(errors, "installments", _("The shares must sum to exactly 100%% (now %(n)s%%).",
                                      n=f"{total:g}"))
    if any(link is not None for link in given_links) and (
            [bool(link) for link in given_links] != [c["performance_linked"] for c in clean]):
        add(errors, "installments", _("Exactly the last installment is performance-linked."))
    dues = [c["due_date"] for c in clean]
    if None not in dues and dues != sorted(dues):
        add(errors, "installments", _("Installments must fall due in order."))
    return clean


def _apply_schedule(contract: Contract, clean: list[dict[str, Any]]) -> None:
    contract.installments.clear()
    db.session.flush()  # free (contract_id, seq) before the new rows take it
    contract.installments.extend(Installment(**c) for c in clean)


def _refuse_unless_draft(contract: Contract, refusal: str) -> None:
    if contract.status is not ContractStatus.DRAFT:
        raise Conflict(refusal)


def set_payment_schedule(contract: Contract, installments: Sequence[dict[str, Any]]) -> Contract:
    """Replace a draft's schedule: ``[{"share_percent", "due_date", "performance_linked"?}]``."""
    # a schedule sent after another officer activated the contract is refused saying why
    # (the revision alone refused it as a record changed since it was loaded)
    claim_row(contract, lambda: _refuse_unless_draft(contract, _(
        "The payment schedule can be changed only while the contract is a draft.")))
    errors: Errors = {}
    clean = check_schedule(installments, contract.start_date, errors)
    raise_if(errors, _("The payment schedule was not saved."))
    _apply_schedule(contract, clean)
    db.session.flush()
    return contract


# ---- drafting ----------------------------------------------------------------------------

def create_contract(*, title: str, service_type: ServiceType | str, provider: Any, region: Any,
                    start_date: date | str, end_date: date | str, amount: Any,
                    reporting: Reporting | str = Reporting.MONTHLY, targets: dict | None = None,
                    weights: dict | None = None, report_due_days: int = 10,
                    facility: Any = None, procurement: Any = None,
                    installments: Sequence[dict[str, Any]] | None = None,
                    actor: User | None = None) -> Contract:
    """A new DRAFT contract with a fresh number and a payment schedule (default 50/50).

    ``provider``/``facility``/``procurement``: the row or its id; ``region``: the row, its
    code (str) or id (int). ``actor`` (an officer) must hold the region in their subtree.
    """
    errors: Errors = {}
    values = _clean(dict(
        title=title, service_type=service_type, provider=provider, region=region,
        start_date=start_date, end_date=end_date, amount=amount, reporting=reporting,
        targets=targets, weights=weights, report_due_days=report_due_days,
        facility=facility, procurement=procurement), errors, actor)
    schedule = []
    # the default schedule reckoned from a refused period complained of installments the
    # officer never sent
    if values["start_date"] and values["end_date"] and (
            installments is not None or "end_date" not in errors):
        schedule = check_schedule(
            installments if installments is not None
            else default_schedule(values["start_date"], values["end_date"]),
            values["start_date"], errors)
    raise_if(errors, _("The contract was not saved."))
    # held until the commit, as a bid holds it: an officer judging at this instant whether the
    # provider works only in their county (contracts.providers) waits for this contract.
    # Before the number, as an award holds it (the other order deadlocked with one); and on
    # SQLite this first write takes the one write lock before the year's counter is read
    claim_row(values["provider"], lambda: None)
    number = next_contract_number(values["start_date"].year, values["service_type"])
    contract = Contract(status=ContractStatus.DRAFT, version=1, **values, number=number)
    db.session.add(contract)
    _apply_schedule(contract, schedule)
    db.session.flush()
    return contract


#: what the award of a procurement settles in the draft it creates (the field each refusal
#: names); the officer completes the rest
AWARDED_TERMS = {"provider": "provider_id", "service_type": "service_type",
                 "region": "region_code", "facility": "facility_id",
                 "procurement": "procurement_id"}


def check_awarded_terms(contract: Contract, values: dict[str, Any], errors: Errors) -> None:
    """A draft drawn from a procurement keeps what the award settled, at no more than the
    awarded price: else an edit would hand the award to a losing bidder, or at any price."""
    procurement = contract.procurement
    if procurement is None:
        return
    for name, field in AWARDED_TERMS.items():
        if field not in errors and values[name] is not getattr(contract, name):
            add(errors, field, _("Settled by the award of “%(title)s”; it cannot change.",
                                 title=procurement.title))
    winner = procurement.awarded_bid
    if winner is not None and values["amount"] is not None and values["amount"] > winner.price:
        add(errors, "amount", _("At most %(price)s, the awarded price of “%(title)s”.",
                                price=f"{winner.price:.2f}", title=procurement.title))


def _schedule_for_new_dates(contract: Contract, values: dict[str, Any],
                            errors: Errors) -> list[dict[str, Any]] | None:
    """The schedule of a draft whose dates an edit moves without sending one: the default
    schedule follows the new dates (an award drafts it, the officer then sets the dates); one
    the officer chose is kept only if it still fits, else the edit is refused naming it. Left
    as it was, it paid before the service started, or for performance before it had ended."""
    start, end = values["start_date"], values["end_date"]
    if (start, end) == (contract.start_date, contract.end_date):
        return None
    current = [{"share_percent": i.share_percent, "due_date": i.due_date,
                "performance_linked": i.performance_linked} for i in contract.installments]
    if current == default_schedule(contract.start_date, contract.end_date):
        return check_schedule(default_schedule(start, end), start, errors)
    check_schedule(current, start, errors)
    if "installments" in errors:
        add(errors, "installments", _("The new dates do not fit the payment schedule: send "
                                      "the schedule with them."))
    return None


def update_contract(contract: Contract, *, actor: User | None = None,
                    installments: Sequence[dict[str, Any]] | None = None,
                    **changes: Any) -> Contract:
    """Edit a draft (any of CONTRACT_FIELDS; a draft from an award within what the award
    settled, see :func:`check_awarded_terms`). Not a draft → ``Conflict``: amend it."""
    claim_row(contract, lambda: _refuse_unless_draft(contract, _(
        "Only a draft can be edited; amend an active contract instead.")))
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields: {', '.join(sorted(unknown))}")
    errors: Errors = {}
    current = {field: getattr(contract, field) for field in CONTRACT_FIELDS}
    values = _clean(current | changes, errors, actor)
    check_awarded_terms(contract, values, errors)
    schedule = None
    if installments is not None:
        schedule = check_schedule(installments, values["start_date"], errors)
    elif "start_date" not in errors and "end_date" not in errors:
        schedule = _schedule_for_new_dates(contract, values, errors)
    raise_if(errors, _("The contract was not saved."))
    if values["provider"] is not contract.provider:  # held as a new contract holds it
        claim_row(values["provider"], lambda: None)
    if (values["start_date"].year != contract.start_date.year
            or values["service_type"] is not contract.service_type):
        # a new number (it says both), reserved before the contract changes: its flush wrote
        # the changed contract, then the number a second time (the revision went up by 2)
        contract.number = next_contract_number(values["start_date"].year, values["service_type"])
    for key, value in values.items():
        setattr(contract, key, value)
    if schedule is not None:
        _apply_schedule(contract, schedule)
    db.session.flush()
    return contract

