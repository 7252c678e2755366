"""Household-survey records (入户调查记录), subsistence standards, anomaly flags and spot checks (抽查)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin, str_enum, utcnow
from app.extensions import db
from app.regions.models import Region
from app.users.models import User
from contracts.models import MONEY, Contract


class Recommendation(enum.StrEnum):
    DIBAO = "dibao"  #: 低保
    TEKUN = "tekun"  #: 特困
    TEMPORARY = "temporary"  #: 临时救助
    NONE = "none"  #: 不符合


class HouseholdImport(db.Model):
    """One imported file. Audited automatically (the audit listener writes a row for it):
    the trail names who imported which file into which contract, instead of one audit row
    per household record."""

    __tablename__ = "household_imports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    #: the uploaded file's name
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: SHA-256 of the file's bytes (hex)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: number of records imported
    rows: so.Mapped[int]
    imported_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"),
                                                             index=True)
    imported_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    contract: so.Mapped[Contract] = so.relationship()
    imported_by: so.Mapped[User | None] = so.relationship()


class UploadStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    IMPORTED = "imported"
    REFUSED = "refused"  #: row errors or a refusal of the rules; nothing imported
    FAILED = "failed"  #: an unexpected error; nothing imported


class HouseholdUpload(db.Model):
    """A large household-record file imported by a worker process rather than in the request
    (more rows than HOUSEHOLD_IMPORT_QUEUE_ROWS); its page and the API show its progress.
    The import it leads to is a :class:`HouseholdImport`, audited as any other."""

    __tablename__ = "household_uploads"
    __audited__ = False  # progress changes every few thousand rows

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: the uploaded file's name
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: the stored copy under UPLOAD_DIR/household_uploads, removed once the import has ended
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: SHA-256 of the file's bytes (hex)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: the language of the messages, the requester's at the time
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="zh_CN")
    status: so.Mapped[UploadStatus] = so.mapped_column(
        str_enum(UploadStatus, "household_upload_status", 16), default=UploadStatus.QUEUED)
    #: lines of the file counted when it was queued (header included)
    rows_total: so.Mapped[int] = so.mapped_column(default=0)
    #: rows checked so far
    rows_checked: so.Mapped[int] = so.mapped_column(default=0)
    #: every row error found (the list below stops at the engine's limit)
    error_count: so.Mapped[int] = so.mapped_column(default=0)
    #: the row errors, [{"row", "field", "message"}], in the requester's language
    errors: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: why it was refused or failed, in the requester's language
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: the import it became
    import_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("household_imports.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    finished_at: so.Mapped[datetime | None]

    contract: so.Mapped[Contract] = so.relationship()
    requested_by: so.Mapped[User | None] = so.relationship()


class HouseholdRecord(db.Model):
    """One surveyed household of a household-survey contract, in one reporting period."""

    __tablename__ = "household_records"
    # Not audited row by row: one import writes up to 100,000 rows, which would bury the
    # trail. The HouseholdImport row of each file IS audited (who, which file, how many).
    __audited__ = False
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "period", "id_number",
                            name="uq_household_records_contract_period_id"),
        sa.CheckConstraint("members >= 1", name="members_positive"),
        sa.CheckConstraint("monthly_income >= 0", name="income_not_negative"),
        sa.CheckConstraint("assets >= 0", name="assets_not_negative"),
        sa.Index("ix_household_records_surveyor_day", "contract_id", "surveyor", "survey_date"),
        sa.Index("ix_household_records_period_id", "period", "id_number"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"))
    #: reporting period of the survey date: "2026-10" (monthly) or "2026-Q4" (quarterly)
    period: so.Mapped[str] = so.mapped_column(sa.String(7))
    #: resident ID number, stored in full; shown masked (first 6 + ******** + last 4)
    id_number: so.Mapped[str] = so.mapped_column(sa.String(18), index=True)
    #: 户主姓名
    head_name: so.Mapped[str] = so.mapped_column(sa.String(50))
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: household members (家庭人口)
    members: so.Mapped[int]
    #: household monthly income, yuan
    monthly_income: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: household assets, yuan
    assets: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: day of the home visit
    survey_date: so.Mapped[date]
    #: name(s) of the investigators
    surveyor: so.Mapped[str] = so.mapped_column(sa.String(50))
    recommendation: so.Mapped[Recommendation] = so.mapped_column(
        str_enum(Recommendation, "household_recommendation", 16))
    import_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("household_imports.id"),
                                                 index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    contract: so.Mapped[Contract] = so.relationship()
    region: so.Mapped[Region] = so.relationship()
    household_import: so.Mapped[HouseholdImport] = so.relationship()

    @property
    def per_capita_income(self) -> Decimal:
        return (self.monthly_income / self.members).quantize(Decimal("0.01"))


class SubsistenceStandard(TimestampMixin, db.Model):
    """Monthly subsistence standard (低保标准) of a region from a day on; a region without one
    follows its nearest ancestor's."""

    __tablename__ = "subsistence_standards"
    __table_args__ = (
        sa.UniqueConstraint("region_id", "effective_from",
                            name="uq_subsistence_standards_region_from"),
        sa.CheckConstraint("monthly_amount > 0", name="amount_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: yuan per person and month
    monthly_amount: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: first day it applies
    effective_from: so.Mapped[date]

    region: so.Mapped[Region] = so.relationship(lazy="joined")


class SpotCheckStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class SpotCheckResult(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISCREPANT = "discrepant"


class SpotCheck(db.Model):
    """A random sample of a contract's records of one period, re-checked by an inspector.
    The seed is stored, so the same draw can be repeated exactly."""

    __tablename__ = "spot_checks"
    __table_args__ = (
        sa.CheckConstraint("size >= 1 AND size <= population", name="size_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("contracts.id"), index=True)
    #: reporting period sampled ("2026-10" or "2026-Q4")
    period: so.Mapped[str] = so.mapped_column(sa.String(7))
    #: seed of random.Random over the period's record ids in ascending order
    seed: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: sample rule: percent of the population (rounded up) ...
    percent: so.Mapped[int] = so.mapped_column(default=5)
    #: ... but at least this many (capped by the population)
    minimum: so.Mapped[int] = so.mapped_column(default=20)
    size: so.Mapped[int]
    #: records of the contract and period when drawn
    population: so.Mapped[int]
    inspector_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    drawn_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    drawn_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    status: so.Mapped[SpotCheckStatus] = so.mapped_column(
        str_enum(SpotCheckStatus, "spot_check_status", 16), default=SpotCheckStatus.OPEN, index=True)
    done_at: so.Mapped[datetime | None]

    contract: so.Mapped[Contract] = so.relationship()
    inspector: so.Mapped[User] = so.relationship(foreign_keys=[inspector_id])
    drawn_by: so.Mapped[User | None] = so.relationship(foreign_keys=[drawn_by_id])
    items: so.Mapped[list[SpotCheckItem]] = so.relationship(
        back_populates="spot_check", cascade="all, delete-orphan", order_by="SpotCheckItem.id")


class SpotCheckItem(db.Model):
    """One sampled record and what the inspector found."""

    __tablename__ = "spot_check_items"
    __table_args__ = (
        sa.UniqueConstraint("spot_check_id", "record_id"),
        sa.CheckConstraint("result <> 'discrepant' OR field IS NOT NULL",
                           name="discrepant_names_field"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    spot_check_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("spot_checks.id", ondelete="CASCADE"), index=True)
    record_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("household_records.id"),
                                                 index=True)
    result: so.Mapped[SpotCheckResult] = so.mapped_column(
        str_enum(SpotCheckResult, "spot_check_result", 16), default=SpotCheckResult.PENDING)
    #: the record's field found wrong (a key of the household-record file)
    field: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    #: what the inspector found
    finding: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    checked_at: so.Mapped[datetime | None]

    spot_check: so.Mapped[SpotCheck] = so.relationship(back_populates="items")
    record: so.Mapped[HouseholdRecord] = so.relationship()
