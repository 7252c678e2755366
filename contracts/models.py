"""Providers, facilities, procurement and contracts (DESIGN.md §2–§3).

Rules that a row can check on its own live here as constraints; rules that need other rows
(overlaps, budgets, qualifications) live in the services.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import Revisioned, TimestampMixin, str_enum, utcnow
from app.extensions import db
from app.money import split_by_shares
from app.regions.models import Region
from contracts.codes import (  # noqa: F401 (the models' codes, imported from here too)
    ContractStatus,
    FacilityKind,
    ProcurementMethod,
    ProcurementStatus,
    ProviderKind,
    ProviderStatus,
    Reporting,
    ServiceType,
    Ward,
)

MONEY = sa.Numeric(14, 2)


# ---- providers ---------------------------------------------------------------------------

class Provider(Revisioned, TimestampMixin, db.Model):
    __tablename__ = "providers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: 统一社会信用代码, 18 characters with a GB 32100 check character
    credit_code: so.Mapped[str] = so.mapped_column(sa.String(18), unique=True)
    kind: so.Mapped[ProviderKind] = so.mapped_column(str_enum(ProviderKind, "provider_kind", 24))
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    contact_phone: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="",
                                                     server_default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")
    #: suspended or debarred providers cannot win an award
    status: so.Mapped[ProviderStatus] = so.mapped_column(
        str_enum(ProviderStatus, "provider_status", 16), default=ProviderStatus.ACTIVE,
        server_default=ProviderStatus.ACTIVE.value)
    #: why the status was last changed (the audit log keeps every earlier reason)
    status_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="",
                                                     server_default="")
    status_changed_at: so.Mapped[datetime | None]

    qualifications: so.Mapped[list[Qualification]] = so.relationship(
        back_populates="provider", cascade="all, delete-orphan",
        order_by="Qualification.valid_until")

    def __repr__(self) -> str:
        return f"<Provider {self.credit_code} {self.name}>"


class Qualification(TimestampMixin, db.Model):
    """A certificate a provider holds (registration certificate, licence, filing, ...)."""

    __tablename__ = "qualifications"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    #: e.g. "民办非企业单位登记证书", "养老机构备案回执"
    cert_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    number: so.Mapped[str] = so.mapped_column(sa.String(100))
    issuer: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: last day on which the certificate is valid; None = no expiry
    valid_until: so.Mapped[date | None]

    provider: so.Mapped[Provider] = so.relationship(back_populates="qualifications")

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


# ---- facilities --------------------------------------------------------------------------

class Facility(Revisioned, TimestampMixin, db.Model):
    """A publicly built welfare home (公建民营 when a provider operates it)."""

    __tablename__ = "facilities"
    __table_args__ = (
        sa.CheckConstraint("beds >= 0", name="beds_not_negative"),
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)",
                           name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
                           name="longitude_range"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="position_whole"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[FacilityKind] = so.mapped_column(str_enum(FacilityKind, "facility_kind", 24))
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    #: total beds (at least the sum of the wards' beds)
    beds: so.Mapped[int] = so.mapped_column(default=0)
    opened_on: so.Mapped[date | None]
    #: where the home stands (WGS-84 degrees, as a phone's GPS gives them), both or neither;
    #: evidence photos taken far from it are flagged
    latitude: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(9, 6))
    longitude: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(9, 6))

    region: so.Mapped[Region] = so.relationship(lazy="joined")
    wards: so.Mapped[list[FacilityWard]] = so.relationship(
        back_populates="facility", cascade="all, delete-orphan", order_by="FacilityWard.id")

    def __repr__(self) -> str:
        return f"<Facility {self.id} {self.name}>"

    @property
    def ward_beds(self) -> dict[str, int]:
        return {w.ward.value: w.beds for w in self.wards}


class FacilityWard(db.Model):
    __tablename__ = "facility_wards"
    __table_args__ = (sa.UniqueConstraint("facility_id", "ward"),
                      sa.CheckConstraint("beds >= 0", name="beds_not_negative"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    facility_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    ward: so.Mapped[Ward] = so.mapped_column(str_enum(Ward, "ward", 16))
    beds: so.Mapped[int] = so.mapped_column(default=0)

    facility: so.Mapped[Facility] = so.relationship(back_populates="wards")


# ---- procurement -------------------------------------------------------------------------

class Procurement(TimestampMixin, db.Model):
    __tablename__ = "procurements"
    __table_args__ = (
        sa.CheckConstraint("budget > 0", name="budget_positive"),
        sa.CheckConstraint("method <> 'single_source' OR justification <> ''",
                           name="single_source_justified"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    service_type: so.Mapped[ServiceType] = so.mapped_column(str_enum(ServiceType, "service_type", 24))
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    facility_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("facilities.id"),
                                                          index=True)
    budget: so.Mapped[Decimal] = so.mapped_column(MONEY)
    method: so.Mapped[ProcurementMethod] = so.mapped_column(
        str_enum(ProcurementMethod, "procurement_method", 32))
    #: why no competition (required for single source)
    justification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    published_on: so.Mapped[date | None]
    bid_deadline: so.Mapped[date | None]
    awarded_on: so.Mapped[date | None]
    status: so.Mapped[ProcurementStatus] = so.mapped_column(
        str_enum(ProcurementStatus, "procurement_status", 16), default=ProcurementStatus.OPEN)
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    region: so.Mapped[Region] = so.relationship(lazy="joined")
    facility: so.Mapped[Facility | None] = so.relationship()
    bids: so.Mapped[list[Bid]] = so.relationship(
        back_populates="procurement", order_by="Bid.price", cascade="all, delete-orphan")

    @property
    def awarded_bid(self) -> Bid | None:
        return next((bid for bid in self.bids if bid.awarded), None)


class Bid(TimestampMixin, db.Model):
    __tablename__ = "bids"
    __table_args__ = (
        sa.UniqueConstraint("procurement_id", "provider_id"),
        sa.CheckConstraint("price > 0", name="price_positive"),
        sa.CheckConstraint("technical_score IS NULL OR (technical_score >= 0 AND "
                           "technical_score <= 100)", name="technical_score_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    procurement_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("procurements.id", ondelete="CASCADE"), index=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    price: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: the evaluation panel's technical score, 0–100
    technical_score: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(5, 2))
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the winning bid of its procurement
    awarded: so.Mapped[bool] = so.mapped_column(default=False)

    procurement: so.Mapped[Procurement] = so.relationship(back_populates="bids")
    provider: so.Mapped[Provider] = so.relationship(lazy="joined")


# ---- contracts ---------------------------------------------------------------------------

DEFAULT_WEIGHTS = {"inspection": 60, "timeliness": 20, "targets": 20}


class Contract(Revisioned, TimestampMixin, db.Model):
    __tablename__ = "contracts"
    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="period_order"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("report_due_days >= 0", name="report_due_days_not_negative"),
        sa.CheckConstraint("service_type <> 'facility_operation' OR facility_id IS NOT NULL",
                           name="facility_for_operation"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: e.g. XN-2026-HS-0007: city prefix, year of start, service code, sequence
    number: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    service_type: so.Mapped[ServiceType] = so.mapped_column(str_enum(ServiceType, "service_type", 24))
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    facility_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("facilities.id"),
                                                          index=True)
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    procurement_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("procurements.id"), index=True)
    start_date: so.Mapped[date]
    #: last day of the service period (inclusive)
    end_date: so.Mapped[date]
    amount: so.Mapped[Decimal] = so.mapped_column(MONEY)
    reporting: so.Mapped[Reporting] = so.mapped_column(str_enum(Reporting, "reporting", 16),
                                                       default=Reporting.MONTHLY)
    #: days after a period's end by which its report is due
    report_due_days: so.Mapped[int] = so.mapped_column(default=10)
    #: e.g. {"households": 1200}, {"beds": 120, "occupancy": 85}, {"children": 40}
    targets: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: performance weights, summing to 100
    weights: so.Mapped[dict] = so.mapped_column(sa.JSON, default=lambda: dict(DEFAULT_WEIGHTS))
    status: so.Mapped[ContractStatus] = so.mapped_column(
        str_enum(ContractStatus, "contract_status", 16), default=ContractStatus.DRAFT, index=True)
    #: the bureau's days it first became active and was terminated: its reports are owed from
    #: the one and until the other (contracts.submissions.schedule)
    activated_on: so.Mapped[date | None]
    terminated_on: so.Mapped[date | None]
    #: the bureau's days it was suspended, ``[[first, resumed], ...]`` in ISO (``resumed``
    #: null while it is): reports falling due then were not asked for (schedule.suspended_on)
    suspensions: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    #: 1 at creation, +1 per amendment
    version: so.Mapped[int] = so.mapped_column(default=1)

    provider: so.Mapped[Provider] = so.relationship(lazy="joined")
    facility: so.Mapped[Facility | None] = so.relationship()
    region: so.Mapped[Region] = so.relationship(lazy="joined")
    procurement: so.Mapped[Procurement | None] = so.relationship()
    installments: so.Mapped[list[Installment]] = so.relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Installment.seq")
    transitions: so.Mapped[list[ContractTransition]] = so.relationship(
        back_populates="contract", cascade="all, delete-orphan",
        order_by="ContractTransition.id")
    amendments: so.Mapped[list[ContractAmendment]] = so.relationship(
        back_populates="contract", cascade="all, delete-orphan",
        order_by="ContractAmendment.version")

    def __repr__(self) -> str:
        return f"<Contract {self.number} {self.status}>"

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class Installment(db.Model):
    """One payment of a contract's schedule; only the last depends on performance."""

    __tablename__ = "installments"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "seq"),
        sa.CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    seq: so.Mapped[int]
    #: share of the contract amount, in percent
    share_percent: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(5, 2))
    due_date: so.Mapped[date]
    #: paid only after the performance score (DESIGN.md §4)
    performance_linked: so.Mapped[bool] = so.mapped_column(default=False)
    paid_at: so.Mapped[datetime | None]
    paid_amount: so.Mapped[Decimal | None] = so.mapped_column(MONEY)

    contract: so.Mapped[Contract] = so.relationship(back_populates="installments")

    @property
    def amount(self) -> Decimal:
        """The nominal amount (before any performance adjustment); the last takes what the
        others left, so that the schedule adds up to the contract's amount."""
        schedule = self.contract.installments if self in self.contract.installments else [self]
        return split_by_shares(self.contract.amount,
                               [i.share_percent for i in schedule])[schedule.index(self)]


class ContractTransition(db.Model):
    __tablename__ = "contract_transitions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    # distinct enum names: each names its CHECK constraint, which must be unique per table
    from_status: so.Mapped[ContractStatus] = so.mapped_column(
        str_enum(ContractStatus, "from_status", 16))
    to_status: so.Mapped[ContractStatus] = so.mapped_column(
        str_enum(ContractStatus, "to_status", 16))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    contract: so.Mapped[Contract] = so.relationship(back_populates="transitions")


class ContractAmendment(db.Model):
    """A new version of a contract's amount, end date or targets; keeps old and new values."""

    __tablename__ = "contract_amendments"
    __table_args__ = (sa.UniqueConstraint("contract_id", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    #: the contract version this amendment produced (2 for the first amendment)
    version: so.Mapped[int]
    #: {"amount": ["100000.00", "120000.00"], "end_date": ["2026-12-31", "2027-03-31"]}
    changes: so.Mapped[dict] = so.mapped_column(sa.JSON)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    contract: so.Mapped[Contract] = so.relationship(back_populates="amendments")


class ContractNumberCounter(db.Model):
    """The last sequence number used per (year, service type); locked while incremented."""

    __tablename__ = "contract_number_counters"
    __audited__ = False

    year: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    service_type: so.Mapped[ServiceType] = so.mapped_column(
        str_enum(ServiceType, "service_type", 24), primary_key=True)
    last_seq: so.Mapped[int] = so.mapped_column(default=0)
