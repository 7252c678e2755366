"""The Open Contracting Data Standard 1.1 release package of the contracts a user may see.

One release per contract, tagged with the stages it has reached: the tender (its procurement, or
a direct award when the contract was made without one), the award, the contract with its
amendments, and its implementation: a transaction per installment paid and milestones of types
``payment`` (every installment), ``assessment`` (inspections of the contract) and ``reporting``
(every reporting period due so far). Drafts are internal and never published.

The buyer is the bureau, identified by its unified social credit code (``BUYER_CREDIT_CODE``).
Installment amounts are not milestone fields (OCDS 1.1 defines none): a payment milestone says
its amount in its description and each payment made is a transaction. Empty arrays and objects
are left out, as the data review tool asks. A result replaced by its finalized correction is
left out for the correction, and a correction is left out until it is finalized.
``public=True`` leaves out the contact persons, and inspections not finalized (the day of a
visit to come is not published).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app import clock
from app.db import page_of
from app.extensions import db
from app.users.models import User
from contracts.models import Contract, ContractStatus, Procurement, ProcurementMethod, Provider
from contracts.submissions.milestones import ReportState, report_states, reporting_milestones
from contracts.visibility import visible_contracts
from evaluations.assessment.models import AssessmentTemplate
from evaluations.inspections.models import Inspection, InspectionStatus, not_replaced
from reports.dashboards.services import count_of
from reports.exports.ocds_amendments import amendment_description
from reports.exports.ocds_ids import identified

OCDS_VERSION = "1.1"
CURRENCY = "CNY"
#: the organization identifier scheme of unified social credit codes (org-id.guide)
USCC_SCHEME = "CN-USCC"

CONTRACT_STATUS = {
    ContractStatus.ACTIVE: "active",
    ContractStatus.SUSPENDED: "active",  # still in force; the suspension is in the description
    ContractStatus.COMPLETED: "terminated",
    ContractStatus.TERMINATED: "terminated",
}

TENDER_METHOD = {
    ProcurementMethod.OPEN_TENDER: "open",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "selective",
    ProcurementMethod.REQUEST_FOR_QUOTATION: "selective",
    ProcurementMethod.SINGLE_SOURCE: "direct",
}

METHOD_DETAILS = {
    ProcurementMethod.OPEN_TENDER: "公开招标",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "竞争性磋商",
    ProcurementMethod.REQUEST_FOR_QUOTATION: "询价",
    ProcurementMethod.SINGLE_SOURCE: "单一来源",
}


# A page of releases writes ~3,600 instants, most of them the few hundred days its periods
# and installments fall due on.
@lru_cache(maxsize=4096)
def _datetime(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, clock.LOCAL_TZ)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@lru_cache(maxsize=4096)
def _through(day: date | None) -> str | None:
    """A day something lasts through (bids are taken on the deadline day, a report is on time
    on its deadline day and an installment paid on its due date, a contract runs on its end
    date) as its last second in the bureau's zone: its first instant made a report sent that
    afternoon look late to a reader."""
    if day is None:
        return None
    return _datetime(datetime.combine(day, time(23, 59, 59), clock.LOCAL_TZ))


def _value(amount: Decimal) -> dict:
    return {"amount": float(amount), "currency": CURRENCY}


def _party_id(provider: Provider) -> str:
    return f"{USCC_SCHEME}-{provider.credit_code}"


def _organization(provider: Provider, roles: list[str], *, public: bool = False) -> dict:
    contact = None if public else {"name": provider.contact_name or None,
                                   "telephone": provider.contact_phone or None}
    return {
        "id": _party_id(provider),
        "name": provider.name,
        "identifier": {"scheme": USCC_SCHEME, "id": provider.credit_code,
                       "legalName": provider.name},
        "contactPoint": contact,
        "roles": roles,
    }


def _buyer_ref() -> dict:
    return {"id": f"{USCC_SCHEME}-{current_app.config['BUYER_CREDIT_CODE']}",
            "name": current_app.config["BUREAU_NAME"]}


def _buyer() -> dict:
    code = current_app.config["BUYER_CREDIT_CODE"]
    return _buyer_ref() | {
        "identifier": {"scheme": USCC_SCHEME, "id": code,
                       "legalName": current_app.config["BUREAU_NAME"]},
        "roles": ["buyer", "procuringEntity", "payer"]}


def ocid(contract: Contract) -> str:
    return f"{current_app.config['OCDS_OCID_PREFIX']}-{contract.number}"


def _tender(contract: Contract, procurement: Procurement | None) -> dict:
    if procurement is None:  # a contract made without a recorded procurement
        return {"id": f"{contract.number}-tender", "title": contract.title, "status": "complete",
                "procurementMethod": "direct", "mainProcurementCategory": "services",
                "value": _value(contract.amount),
                "procuringEntity": _buyer_ref()}
    tenderers = [{"id": _party_id(b.provider), "name": b.provider.name} for b in procurement.bids]
    return {
        "id": f"procurement-{procurement.id}",
        "title": procurement.title,
        "status": {"open": "active", "awarded": "complete", "cancelled": "cancelled"}[
            procurement.status.value],
        "value": _value(procurement.budget),
        "procurementMethod": TENDER_METHOD[procurement.method],
        "procurementMethodDetails": METHOD_DETAILS[procurement.method],
        "procurementMethodRationale": procurement.justification or None,
        "mainProcurementCategory": "services",
        "procuringEntity": _buyer_ref(),
        "tenderPeriod": {"startDate": _datetime(procurement.published_on),
                         "endDate": _through(procurement.bid_deadline)},
        "numberOfTenderers": len(tenderers),
        "tenderers": tenderers,
    }


def _award(contract: Contract) -> dict:
    procurement = contract.procurement
    bid = procurement.awarded_bid if procurement else None
    return {
        "id": f"{contract.number}-award",
        "title": contract.title,
        "status": "active",
        "date": _datetime(procurement.awarded_on if procurement else contract.start_date),
        "value": _value(bid.price if bid else contract.amount),
        "suppliers": [{"id": _party_id(contract.provider), "name": contract.provider.name}],
    }


def _payment_milestones_and_transactions(contract: Contract) -> tuple[list, list]:
    milestones, transactions = [], []
    for inst in contract.installments:
        milestones.append({
            "id": f"payment-{inst.seq}",
            "title": f"第{inst.seq}期付款 ({inst.share_percent}%)"
                     + ("，与绩效挂钩" if inst.performance_linked else ""),
            "type": "payment",
            "dueDate": _through(inst.due_date),
            "status": "met" if inst.paid_at else "scheduled",
            "dateMet": _datetime(inst.paid_at),
            "description": f"金额 {inst.amount:,.2f} 元",
        })
        if inst.paid_at is not None:
            transactions.append({
                "id": f"{contract.number}-payment-{inst.seq}",
                "date": _datetime(inst.paid_at),
                "value": _value(inst.paid_amount if inst.paid_amount is not None
                                else inst.amount),
                "payer": _buyer_ref(),
                "payee": {"id": _party_id(contract.provider), "name": contract.provider.name},
            })
    return milestones, transactions


class Assessed(NamedTuple):
    """What a release tells of one of the contract's inspections."""

    id: int
    template_name: str
    scheduled_for: date
    status: InspectionStatus
    finalized_at: datetime | None
    total: Decimal | None


def _assessment_milestones(inspections: Iterable[Assessed]) -> list[dict]:
    milestones = []
    for inspection in inspections:
        finalized = inspection.status is InspectionStatus.FINALIZED
        milestones.append({
            "id": f"assessment-{inspection.id}",
            "title": inspection.template_name,
            "type": "assessment",
            "dueDate": _datetime(inspection.scheduled_for),
            "status": "met" if finalized else "scheduled",
            "dateMet": _datetime(inspection.finalized_at) if finalized else None,
            "description": (f"总分 {inspection.total}" if finalized and inspection.total is not None
                            else None),
        })
    return milestones


def _contract_block(contract: Contract, inspections: list[Assessed],
                    reports: dict[tuple[int, str], ReportState] | None) -> dict:
    payments, transactions = _payment_milestones_and_transactions(contract)
    milestones = (payments + _assessment_milestones(inspections)
                  + [_reporting(m) for m in reporting_milestones(contract, found=reports)])
    block = {
        "id": contract.number,
        "awardID": f"{contract.number}-award",
        "title": contract.title,
        "status": CONTRACT_STATUS[contract.status],
        "period": {"startDate": _datetime(contract.start_date),
                   "endDate": _through(contract.end_date)},
        "value": _value(contract.amount),
        "implementation": {"transactions": transactions, "milestones": milestones},
        "amendments": [
            {"id": f"v{a.version}", "date": _datetime(a.at), "rationale": a.reason,
             "description": amendment_description(a.changes)}
            for a in contract.amendments
        ],
    }
    if contract.status is ContractStatus.SUSPENDED:
        block["description"] = "合同已暂停履行"
    return block


def _reporting(milestone: dict) -> dict:
    return milestone | {"dueDate": _through(milestone["dueDate"]),
                        "dateMet": _datetime(milestone.get("dateMet"))}


def release(contract: Contract, inspections: list[Assessed], *, public: bool = False,
            reports: dict[tuple[int, str], ReportState] | None = None) -> dict:
    """The release of ``contract``; ``reports``: the state of its reports by (contract id,
    period), read with those of the other contracts released with it (for it alone otherwise)."""
    parties = [_buyer(), _organization(contract.provider, ["supplier", "tenderer"],
                                       public=public)]
    if contract.procurement is not None:
        for bid in contract.procurement.bids:
            if bid.provider_id != contract.provider_id:
                parties.append(_organization(bid.provider, ["tenderer"], public=public))
    tags = ["tender", "award", "contract"]
    if contract.amendments:
        tags.append("contractAmendment")
    tags.append("implementation")
    if contract.status in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        tags.append("contractTermination")
    return {
        "ocid": ocid(contract),
        "date": _datetime(contract.updated_at),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "parties": parties,
        "buyer": _buyer_ref(),
        "tender": _tender(contract, contract.procurement),
        "awards": [_award(contract)],
        "contracts": [_contract_block(contract, inspections, reports)],
    }


def prune(value: Any) -> Any:
    """Nulls, empty arrays and empty objects left out: OCDS readers prefer absent fields, and
    the data review tool flags empty arrays."""
    if isinstance(value, dict):
        return {key: item for key, item in _kept(value.items())}
    if isinstance(value, list):
        return [item for _index, item in _kept(enumerate(value))]
    return value


def _kept(pairs: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    # only arrays and objects are descended into: a release is mostly strings and numbers, and
    # a call per leaf was half of a records page's pruning
    for key, item in pairs:
        if isinstance(item, (dict, list)):
            item = prune(item)
            if item:
                yield key, item
        elif item is not None:
            yield key, item


def published_contracts(user: User | None) -> sa.Select:
    """Non-draft contracts, those the user may see (``None``: every one, as published)."""
    stmt = visible_contracts(user) if user is not None else sa.select(Contract)
    return (stmt.where(Contract.status != ContractStatus.DRAFT)
            .options(so.selectinload(Contract.installments),
                     so.selectinload(Contract.amendments),
                     so.selectinload(Contract.procurement))
            .order_by(Contract.number, Contract.id))


def releases(stmt: sa.Select, *, public: bool = False) -> list[dict]:
    """One pruned release per contract of ``stmt``, with its inspections and reports: the same
    few statements however many contracts."""
    contracts = db.session.scalars(stmt).unique().all()
    ids = [c.id for c in contracts]
    inspections_by_contract: dict[int, list[Assessed]] = {}
    if contracts:
        # plain columns, the few templates' names by id: a page's thousand inspections read
        # as objects, with every JSON column decoded, took half of the page's time
        names = dict(db.session.execute(
            sa.select(AssessmentTemplate.id, AssessmentTemplate.name_zh)).all())
        # A result its finalized correction replaced is no assessment any more (the correction
        # is), and a correction being filled in is none yet (no visit is scheduled: the result
        # stands); the public sees finalized results only, as a provider does: no day of a
        # visit to come.
        assessed = sa.select(Inspection.contract_id, Inspection.id, Inspection.template_id,
                             Inspection.scheduled_for, Inspection.status, Inspection.finalized_at,
                             Inspection.total).where(
            Inspection.contract_id.in_(ids), not_replaced(),
            # a visit called off is no milestone, met or to come
            Inspection.status != InspectionStatus.CANCELLED,
            sa.or_(Inspection.supersedes_id.is_(None),
                   Inspection.status == InspectionStatus.FINALIZED))
        if public:
            assessed = assessed.where(Inspection.status == InspectionStatus.FINALIZED)
        rows = db.session.execute(assessed.order_by(Inspection.scheduled_for, Inspection.id))
        for contract_id, ident, template_id, day, status, finalized_at, total in rows:
            inspections_by_contract.setdefault(contract_id, []).append(
                Assessed(ident, names[template_id], day, status, finalized_at, total))
    reports = report_states(ids)
    return [identified(prune(release(c, inspections_by_contract.get(c.id, []), public=public,
                                      reports=reports)), c)
            for c in contracts]


class PackagePage:
    """One page of the published contracts a package holds: a city's 3,000 in one package
    were 25 MB built in 6 s. The package links the pages around it (``links.next`` and
    ``links.prev``, as OCDS's API guidance and OCDS 1.2's packages name them)."""

    def __init__(self, user: User | None, page: int, per_page: int) -> None:
        stmt = published_contracts(user)
        self.total = count_of(stmt)
        self.page, self.per_page = page, per_page
        self.stmt = page_of(stmt, per_page, (page - 1) * per_page)

    def links(self, url_of: Callable[[int], str]) -> dict:
        """``url_of(page)``: the URL of another page of this package."""
        links = {}
        if self.page > 1:
            links["prev"] = url_of(self.page - 1)
        if self.page < self.last:
            links["next"] = url_of(self.page + 1)
        return links

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))


def package_metadata(uri: str) -> dict:
    code = current_app.config["BUYER_CREDIT_CODE"]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _datetime(clock.now()),
        "publisher": {"name": current_app.config["BUREAU_NAME"], "scheme": USCC_SCHEME,
                      "uid": code},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }


def release_package(page: PackagePage, uri: str, url_of: Callable[[int], str], *,
                    public: bool = False) -> dict:
    """The release package of one page of published contracts; ``url_of(page)`` names the
    package's other pages."""
    links = page.links(url_of)
    return package_metadata(uri) | ({"links": links} if links else {}) | {
        "releases": releases(page.stmt, public=public)}
