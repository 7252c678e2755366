"""Household-survey records (入户调查记录), assistance standards (低保标准) by county, year and
area with their history, and spot checks (抽查)."""

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


class Area(enum.StrEnum):
    URBAN = "urban"  #: 城镇
    RURAL = "rural"  #: 农村


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
    #: the first investigator (before 民发〔2021〕57号 columns: the name(s) of the investigators)
    surveyor: so.Mapped[str] = so.mapped_column(sa.String(50))
    recommendation: so.Mapped[Recommendation] = so.mapped_column(
        str_enum(Recommendation, "household_recommendation", 16))
    # The columns of the two-investigator rule. Records imported before them hold NULL and
    # are shown as recorded before the rule (see ``before_rule``).
    #: the second investigator, never the first
    second_surveyor: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    #: the investigators signed the record
    surveyors_signed: so.Mapped[bool | None]
    #: the applicant signed the record
    applicant_signed: so.Mapped[bool | None]
    #: urban or rural: which standard applies
    area: so.Mapped[Area | None] = so.mapped_column(str_enum(Area, "household_area", 8))
    #: a close relative of bureau or village staff: always re-checked
    staff_relative: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    #: photos of the visit were taken (None: not said)
    photos_taken: so.Mapped[bool | None]
    #: the income lines given, {"income_wages": "800.00", ...}; they add up to monthly_income
    income_lines: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    import_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("household_imports.id"),
                                                 index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    contract: so.Mapped[Contract] = so.relationship()
    region: so.Mapped[Region] = so.relationship()
    household_import: so.Mapped[HouseholdImport] = so.relationship()

    @property
    def per_capita_income(self) -> Decimal:
        return (self.monthly_income / self.members).quantize(Decimal("0.01"))

    @property
    def per_capita_assets(self) -> Decimal:
        return (self.assets / self.members).quantize(Decimal("0.01"))

    @property
    def before_rule(self) -> bool:
        """Recorded before the two-investigator and signature columns existed."""
        return self.second_surveyor is None


class HouseholdFlag(db.Model):
    """An anomaly flag a record carries (:mod:`contracts.households.anomalies` says the rules),
    kept current by :mod:`contracts.households.flags` so that the city's anomaly list reads
    rows instead of checking every record per request."""

    __tablename__ = "household_flags"
    __audited__ = False
    __table_args__ = (
        sa.Index("ix_household_flags_contract_kind", "contract_id", "kind"),
        # the list shows the newest surveys first: it reads flags in this order, then records
        sa.Index("ix_household_flags_newest", "survey_date", "record_id"),
    )

    record_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("household_records.id", ondelete="CASCADE"), primary_key=True)
    #: one of ``contracts.labels.ANOMALY_LABELS``
    kind: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True)
    #: the record's contract (the list filters by the contracts a user sees)
    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"))
    #: the record's survey date (the list's order)
    survey_date: so.Mapped[date]


class AssistanceStandard(TimestampMixin, db.Model):
    """The assistance standards of a county (or of the city, for counties without their own)
    for one year and one area: the monthly 低保 standard per person, the 特困 standard, the
    低保边缘 (near-poor) threshold and the asset limit per person. A standard stays in force in
    later years until a newer one is set."""

    __tablename__ = "assistance_standards"
    __table_args__ = (
        sa.UniqueConstraint("region_id", "year", "area", name="uq_assistance_standards_region_id"),
        sa.CheckConstraint("dibao_monthly > 0", name="dibao_positive"),
        sa.CheckConstraint("tekun_monthly > 0", name="tekun_positive"),
        sa.CheckConstraint("near_poor_monthly > 0", name="near_poor_positive"),
        sa.CheckConstraint("asset_limit_per_person IS NULL OR asset_limit_per_person >= 0",
                           name="asset_limit_not_negative"),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    region_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    year: so.Mapped[int]
    area: so.Mapped[Area] = so.mapped_column(str_enum(Area, "standard_area", 8))
    #: 低保标准, yuan per person and month
    dibao_monthly: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: 特困人员基本生活标准, yuan per person and month (default 1.3 × 低保)
    tekun_monthly: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: 低保边缘 threshold, yuan per person and month (default 1.5 × 低保)
    near_poor_monthly: so.Mapped[Decimal] = so.mapped_column(MONEY)
    #: household assets per person above which 低保 and 特困 are refused (None: no asset test)
    asset_limit_per_person: so.Mapped[Decimal | None] = so.mapped_column(MONEY)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    region: so.Mapped[Region] = so.relationship(lazy="joined")
    updated_by: so.Mapped[User | None] = so.relationship()
    changes: so.Mapped[list[AssistanceStandardChange]] = so.relationship(
        back_populates="standard", cascade="all, delete-orphan",
        order_by="AssistanceStandardChange.id")


class AssistanceStandardChange(db.Model):
    """One save of a standard: the amounts before (empty when created) and after, who, when."""

    __tablename__ = "assistance_standard_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    standard_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("assistance_standards.id", ondelete="CASCADE"), index=True)
    #: {"dibao_monthly": "750.00", ...} before the change; {} when the standard was created
    before: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    after: so.Mapped[dict] = so.mapped_column(sa.JSON)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    standard: so.Mapped[AssistanceStandard] = so.relationship(back_populates="changes")
    actor: so.Mapped[User | None] = so.relationship()


class SpotCheckStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class SpotCheckResult(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISCREPANT = "discrepant"


class SampleMethod(enum.StrEnum):
    #: one random sample of the period's records (spot checks drawn before stratification)
    SIMPLE = "simple"
    #: a share of each surveyor's records, plus every forced inclusion
    STRATIFIED = "stratified"


class SelectedAs(enum.StrEnum):
    RANDOM = "random"  #: drawn at random (from its surveyor's stratum)
    STAFF_RELATIVE = "staff_relative"  #: a relative of staff: always re-checked
    FLAGGED = "flagged"  #: carries an anomaly flag: always re-checked


class SpotCheckPolicy(TimestampMixin, db.Model):
    """A contract's own re-check share, when it differs from the configured default; never
    below the configured floor."""

    __tablename__ = "spot_check_policies"
    __table_args__ = (sa.CheckConstraint("percent >= 1 AND percent <= 100", name="percent_range"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    contract_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), unique=True)
    #: % of each period's records re-checked (rounded up per surveyor)
    percent: so.Mapped[int]
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))


class SpotCheck(db.Model):
    """A sample of a contract's records of one period, re-checked by an inspector. The seed is
    stored, so the same draw can be repeated exactly from the same records."""

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
    #: sample rule: percent of the population (of each surveyor's records, rounded up) ...
    percent: so.Mapped[int] = so.mapped_column(default=30)
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
    #: how the sample was drawn (spot checks older than stratification are simple)
    method: so.Mapped[SampleMethod] = so.mapped_column(
        str_enum(SampleMethod, "sample_method", 16), default=SampleMethod.STRATIFIED,
        server_default=SampleMethod.SIMPLE.value)

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
    #: why the record is in the sample
    selected_as: so.Mapped[SelectedAs] = so.mapped_column(
        str_enum(SelectedAs, "selected_as", 16), default=SelectedAs.RANDOM,
        server_default=SelectedAs.RANDOM.value)

    spot_check: so.Mapped[SpotCheck] = so.relationship(back_populates="items")
    record: so.Mapped[HouseholdRecord] = so.relationship()
