"""Reading household-survey records: what a user may see, the filtered list (of the page, its
export and the API alike), the contract's periods and townships, progress against the target,
and the .xlsx export.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.listener import record_event
from app.extensions import db
from app.regions.models import Level, Region
from app.scoping import one_visible, region_subtree
from app.spreadsheets import DATE, INTEGER, MONEY, xlsx_bytes
from app.users.models import User
from contracts.households.anomalies import ANOMALY_KINDS, flagged_ids
from contracts.households.cells import id_characters
from contracts.households.models import HouseholdRecord, Recommendation
from contracts.households.services import mask_id, may_view_full_ids
from contracts.labels import AREA_LABELS, RECOMMENDATION_LABELS
from contracts.models import Contract
from contracts.visibility import visible_contracts


def visible_records(user: User) -> sa.Select:
    """Records of the contracts ``user`` may see."""
    contract_ids = visible_contracts(user).with_only_columns(Contract.id).order_by(None)
    return sa.select(HouseholdRecord).where(HouseholdRecord.contract_id.in_(contract_ids))


def get_visible_record(user: User, record_id: Any) -> HouseholdRecord:
    return one_visible(visible_records(user), HouseholdRecord.id, record_id)


def records_stmt(contract: Contract | None = None, *, period: str | None = None,
                 township: Region | int | None = None, recommendation: str | None = None,
                 surveyor: str | None = None, anomaly: str | None = None,
                 q: str | None = None, base: sa.Select | None = None) -> sa.Select:
    """Records filtered as in the list (and the export); newest survey first."""
    stmt = base if base is not None else sa.select(HouseholdRecord)
    if contract is not None:
        stmt = stmt.where(HouseholdRecord.contract_id == contract.id)
    if period:
        stmt = stmt.where(HouseholdRecord.period == period)
    if township:
        region = township if isinstance(township, Region) else db.session.get(Region, township)
        # a township that does not exist holds no records: ignoring it showed them all
        stmt = stmt.where(HouseholdRecord.region_id.in_(region_subtree(region))
                          if region is not None else sa.false())
    if recommendation:
        stmt = stmt.where(HouseholdRecord.recommendation == recommendation)
    if surveyor:  # either investigator
        name = surveyor.strip()
        stmt = stmt.where(sa.or_(HouseholdRecord.surveyor.contains(name, autoescape=True),
                                 HouseholdRecord.second_surveyor.contains(name,
                                                                          autoescape=True)))
    if anomaly in ANOMALY_KINDS:
        ids = flagged_ids(anomaly, [contract.id] if contract is not None else None)
        stmt = stmt.where(HouseholdRecord.id.in_(ids))
    if q and q.strip():
        text = q.strip()
        # typed in full-width mode (１２３Ｘ), the last four are still the ID's, as in an import
        last = id_characters(text)
        if len(last) == 4 and re.fullmatch(r"[0-9]{3}[0-9X]", last):
            stmt = stmt.where(HouseholdRecord.id_number.endswith(last))
        else:
            stmt = stmt.where(HouseholdRecord.head_name.contains(text, autoescape=True))
    return stmt.order_by(HouseholdRecord.survey_date.desc(), HouseholdRecord.id.desc())


def contract_periods(contract: Contract) -> list[str]:
    return list(db.session.scalars(
        sa.select(HouseholdRecord.period).where(HouseholdRecord.contract_id == contract.id)
        .distinct().order_by(HouseholdRecord.period)))


def townships(contract: Contract) -> list[Region]:
    """Township-level regions inside the contract's region (or the region itself)."""
    region = contract.region
    if region.level is Level.TOWNSHIP:
        return [region]
    return list(db.session.scalars(
        sa.select(Region).where(Region.path.startswith(region.path),
                                Region.level == Level.TOWNSHIP).order_by(Region.code)))


def progress(contract: Contract) -> dict:
    """Households surveyed against the target, by township and by recommendation."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)
                              .where(HouseholdRecord.contract_id == contract.id)) or 0
    target = (contract.targets or {}).get("households")
    by_region = db.session.execute(
        sa.select(HouseholdRecord.region_id, sa.func.count())
        .where(HouseholdRecord.contract_id == contract.id)
        .group_by(HouseholdRecord.region_id)).all()
    regions = {r.id: r for r in db.session.scalars(
        sa.select(Region).where(Region.path.startswith(contract.region.path)))}
    by_path = {r.path: r for r in regions.values()}
    counts: Counter = Counter()
    for region_id, count in by_region:
        township = _township_of(regions.get(region_id), by_path)
        counts[township.id if township is not None else None] += count
    township_rows = [{"region": regions[rid] if rid is not None else None, "count": n,
                      "share": n / total if total else 0}
                     for rid, n in counts.items()]
    township_rows.sort(key=lambda r: (r["region"] is None, r["region"].code if r["region"] else ""))
    by_rec = dict(db.session.execute(
        sa.select(HouseholdRecord.recommendation, sa.func.count())
        .where(HouseholdRecord.contract_id == contract.id)
        .group_by(HouseholdRecord.recommendation)).all())
    recommendation_rows = [{"recommendation": r.value, "count": by_rec.get(r, 0),
                            "share": by_rec.get(r, 0) / total if total else 0}
                           for r in Recommendation]
    return {"total": total, "target": target,
            "share": min(total / target, 1) if target else None,
            "townships": township_rows, "recommendations": recommendation_rows}


def _township_of(region: Region | None, by_path: dict[str, Region]) -> Region | None:
    """The township-level ancestor of ``region`` (itself if a township), if any."""
    if region is None:
        return None
    if region.level is Level.TOWNSHIP:
        return region
    parts = region.path.strip("/").split("/")
    for end in range(len(parts), 0, -1):
        ancestor = by_path.get("/" + "/".join(parts[:end]) + "/")
        if ancestor is not None and ancestor.level is Level.TOWNSHIP:
            return ancestor
    return None


EXPORT_HEADERS = (_l("ID number (身份证号)"), _l("Head of household (户主姓名)"),
                  _l("Region code (区划代码)"), _l("Region (区划)"), _l("Members (家庭人口)"),
                  _l("Monthly income (家庭月收入)"), _l("Assets (家庭财产)"),
                  _l("Survey date (调查日期)"), _l("Surveyor (调查员)"),
                  _l("Recommendation (建议)"), _l("Period (期间)"),
                  _l("Second surveyor (第二调查员)"), _l("Area (城乡)"),
                  _l("Staff relative (工作人员近亲属)"), _l("Recorded before the rule"))


def export_records(contract: Contract, stmt: sa.Select, user: User) -> bytes:
    """The filtered records as .xlsx; ID numbers masked unless ``user`` may see them in full,
    in which case the export is audited as one event."""
    full = may_view_full_ids(user)
    rows = db.session.execute(
        stmt.with_only_columns(
            HouseholdRecord.id_number, HouseholdRecord.head_name, Region.code, Region.name,
            HouseholdRecord.members, HouseholdRecord.monthly_income, HouseholdRecord.assets,
            HouseholdRecord.survey_date, HouseholdRecord.surveyor,
            HouseholdRecord.recommendation, HouseholdRecord.period,
            HouseholdRecord.second_surveyor, HouseholdRecord.area,
            HouseholdRecord.staff_relative)
        .join(Region, Region.id == HouseholdRecord.region_id)).all()
    if full:
        record_event(db.session, "export_full_ids", contract,
                     {"rows": len(rows)})
        db.session.flush()
    labels = {key: str(label) for key, label in RECOMMENDATION_LABELS.items()}
    areas = {key: str(label) for key, label in AREA_LABELS.items()}
    yes, no = _("Yes"), _("No")

    def lines() -> Iterable[Sequence]:
        for (number, name, code, region, members, income, assets, day, surveyor, rec, per,
             second, area, relative) in rows:
            yield (number if full else mask_id(number), name, code, region, members, income,
                   assets, day, surveyor, labels.get(str(rec), str(rec)), per, second or "",
                   areas.get(str(area), "") if area else "", yes if relative else no,
                   yes if second is None else no)

    return xlsx_bytes(_("Household records"), EXPORT_HEADERS, lines(),
                      formats=(None, None, None, None, INTEGER, MONEY, MONEY, DATE),
                      widths=(22, 12, 14, 16, 10, 14, 14, 12, 16, 18, 9, 14, 10, 10, 12))
