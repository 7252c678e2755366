"""Records: listing and filters, progress, masking everywhere, the audited full view, exports,
anomaly flags and subsistence standards."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditLog
from app.errors import ValidationError
from contracts.households import anomalies, records
from contracts.households import services as households
from contracts.households.models import HouseholdRecord, SubsistenceStandard
from tests.factories import hh_id

FULL = hh_id(7)
MASKED = FULL[:6] + "********" + FULL[-4:]


def granted(db, pair):
    """(browser or api client, user) with the permission to see full ID numbers."""
    pair[1].can_view_full_ids = True
    db.session.commit()
    return pair


def full_id_events(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "view_full_id"))


def test_mask_id():
    assert households.mask_id("42120219800101123X") == "421202********123X"


def test_list_and_api_mask_the_id_number(db, hh_contract, import_rows, as_user, api_as):
    contract = hh_contract()
    import_rows(contract, [{"id_number": FULL}])
    browser, _u = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}/households").get_data(as_text=True)
    assert MASKED in page and FULL not in page
    api, _u = api_as("provider", provider=contract.provider)
    body = api.get(f"/api/v1/contracts/{contract.id}/households").get_json()
    assert body["total"] == 1 and body["items"][0]["id_number"] == MASKED
    assert body["items"][0]["monthly_income"] == "1200.00"


def test_export_masks_without_permission_and_audits_with_it(db, hh_contract, import_rows,
                                                             as_user):
    contract = hh_contract()
    import_rows(contract, [{"id_number": FULL}])
    url = f"/contracts/{contract.id}/households?format=xlsx"

    browser, _u = as_user("officer", region="a")
    sheet = load_workbook(io.BytesIO(browser.get(url).data)).active
    assert sheet.cell(2, 1).value == MASKED

    browser, _u = granted(db, as_user("officer", region="a"))
    sheet = load_workbook(io.BytesIO(browser.get(url).data)).active
    assert sheet.cell(2, 1).value == FULL
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "export_full_ids")) == 1


def test_full_view_needs_permission_and_is_audited_each_time(db, hh_contract, import_rows,
                                                             as_user, api_as):
    contract = hh_contract()
    import_rows(contract, [{"id_number": FULL}])
    record = db.session.scalar(sa.select(HouseholdRecord))

    browser, _u = as_user("officer", region="a")
    assert browser.post(f"/households/{record.id}/full-id").status_code == 403
    provider, _u = as_user("provider", provider=contract.provider)
    assert provider.post(f"/households/{record.id}/full-id").status_code == 403
    other, _u = granted(db, as_user("officer", region="b"))
    assert other.post(f"/households/{record.id}/full-id").status_code == 404
    assert full_id_events(db) == 0

    browser, user = granted(db, as_user("officer", region="a"))
    assert "show" in browser.get(f"/contracts/{contract.id}/households").get_data(as_text=True)
    response = browser.post(f"/households/{record.id}/full-id")
    assert response.status_code == 200 and FULL in response.get_data(as_text=True)
    browser.post(f"/households/{record.id}/full-id")
    assert full_id_events(db) == 2
    event = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "view_full_id"))
    assert event.actor_id == user.id and event.object_id == str(record.id)

    api, _u = api_as("officer", region="a")
    assert api.post(f"/api/v1/households/{record.id}/full-id").status_code == 403
    api, _u = granted(db, api_as("officer", region="a"))
    response = api.post(f"/api/v1/households/{record.id}/full-id")
    assert response.status_code == 200 and response.get_json()["id_number"] == FULL
    assert full_id_events(db) == 3


def test_filters_search_by_last_four_and_name(db, hh_contract, import_rows, api_as):
    contract = hh_contract()
    import_rows(contract, [{"id_number": FULL, "head_name": "张三"},
                           {"head_name": "李四", "recommendation": "none",
                            "survey_date": "2026-04-02", "surveyor": "王五"}])
    api, _u = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/households"

    def names(query: str) -> list[str]:
        return [r["head_name"] for r in api.get(f"{url}?{query}").get_json()["items"]]

    assert names(f"q={FULL[-4:]}") == ["张三"]
    assert names("q=李") == ["李四"]
    assert names("period=2026-04") == ["李四"]
    assert names("recommendation=dibao") == ["张三"]
    assert names("surveyor=王") == ["李四"]


def test_progress_by_township_and_recommendation(db, hh_contract, import_rows, as_user):
    contract = hh_contract(targets={"households": 4})
    import_rows(contract, [{}, {"recommendation": "none"}, {"region_code": "100100"}])
    result = records.progress(contract)
    assert result["total"] == 3 and result["target"] == 4
    by_township = {(r["region"].code if r["region"] else None): r["count"]
                   for r in result["townships"]}
    assert by_township == {"100100001": 2, None: 1}
    by_rec = {r["recommendation"]: r["count"] for r in result["recommendations"]}
    assert by_rec["dibao"] == 2 and by_rec["none"] == 1
    browser, _u = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}/households/progress")
    assert page.status_code == 200 and "3 of 4 households" in page.get_data(as_text=True)


# ---- anomalies --------------------------------------------------------------------------------

def flagged(kind: str) -> set[str]:
    from app.extensions import db

    ids = anomalies.flagged_ids(kind)
    return set(db.session.scalars(sa.select(HouseholdRecord.head_name)
                                  .where(HouseholdRecord.id.in_(ids))))


def test_income_above_nearest_ancestors_standard_flags_dibao_and_tekun(db, regions,
                                                                      hh_contract, import_rows):
    db.session.add_all([
        SubsistenceStandard(region=regions["city"], monthly_amount=Decimal("700"),
                            effective_from=date(2026, 1, 1)),
        SubsistenceStandard(region=regions["a"], monthly_amount=Decimal("500"),
                            effective_from=date(2026, 1, 1)),
        SubsistenceStandard(region=regions["a"], monthly_amount=Decimal("900"),
                            effective_from=date(2026, 5, 1)),
    ])
    db.session.commit()
    contract = hh_contract()
    import_rows(contract, [
        # 2 members, 1200 → 600 a head: above A's 500 (March) → flagged
        {"head_name": "高收入", "members": "2", "monthly_income": "1200"},
        # same income, but not recommended for assistance
        {"head_name": "不符合", "members": "2", "monthly_income": "1200", "recommendation": "none"},
        # 600 a head in June, when A's standard is 900 → not flagged
        {"head_name": "六月", "members": "2", "monthly_income": "1200",
         "survey_date": "2026-06-02"},
        {"head_name": "特困高", "members": "1", "monthly_income": "950", "recommendation": "tekun",
         "survey_date": "2026-06-03"},
    ])
    assert flagged("income_above_standard") == {"高收入", "特困高"}
    assert anomalies.standard_on(regions["village"], date(2026, 3, 1)) == Decimal("500.00")
    assert anomalies.standard_on(regions["b1"], date(2026, 3, 1)) == Decimal("700.00")


def test_surveyor_overload_flag_uses_the_configured_limit(app, db, hh_contract, import_rows):
    contract = hh_contract()
    import_rows(contract, [{"head_name": f"户{i}", "surveyor": "忙人"} for i in range(4)]
                + [{"head_name": "别人", "surveyor": "闲人"}])
    app.config["HOUSEHOLD_SURVEYOR_DAILY_MAX"] = 3
    try:
        assert flagged("surveyor_overload") == {f"户{i}" for i in range(4)}
    finally:
        app.config.pop("HOUSEHOLD_SURVEYOR_DAILY_MAX")
    assert flagged("surveyor_overload") == set()  # default 15


def test_same_id_under_two_contracts_in_one_period(db, hh_contract, import_rows, as_user):
    first, second = hh_contract(), hh_contract()
    import_rows(first, [{"id_number": FULL, "head_name": "甲"}, {"head_name": "乙"}])
    import_rows(second, [{"id_number": FULL, "head_name": "丙"},
                         {"id_number": hh_id(8), "head_name": "丁", "survey_date": "2026-04-01"}])
    assert flagged("duplicate_id") == {"甲", "丙"}

    browser, _u = as_user("officer", region="a")
    page = browser.get("/households/anomalies?kind=duplicate_id").get_data(as_text=True)
    assert "甲" in page and "丙" in page and "乙" not in page
    records = browser.get(f"/contracts/{first.id}/households?anomaly=duplicate_id")
    assert "甲" in records.get_data(as_text=True) and "乙" not in records.get_data(as_text=True)
    # an officer of another county sees none of them
    other, _u = as_user("officer", region="b")
    assert "甲" not in other.get("/households/anomalies").get_data(as_text=True)


# ---- standards --------------------------------------------------------------------------------

def test_standards_are_edited_only_inside_the_officers_region(db, regions, as_user):
    browser, _u = as_user("officer", region="a")
    response = browser.post("/households/standards", {"region_code": "100200",
                                                      "monthly_amount": "750",
                                                      "effective_from": "2026-01-01"})
    assert response.status_code == 422  # not among the form's choices
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubsistenceStandard)) == 0
    with pytest.raises(ValidationError) as refused:
        anomalies.save_standard(region="100200", monthly_amount="750",
                                 effective_from="2026-01-01", actor=_u)
    assert "outside your own region" in refused.value.fields["region_code"][0]
    db.session.rollback()
    response = browser.post("/households/standards", {"region_code": "100100",
                                                      "monthly_amount": "750",
                                                      "effective_from": "2026-01-01"})
    assert response.status_code == 303
    standard = db.session.scalar(sa.select(SubsistenceStandard))
    assert standard.region.code == "100100" and standard.monthly_amount == Decimal("750.00")

    other, _u = as_user("officer", region="b")
    assert other.get(f"/households/standards/{standard.id}").status_code == 404
    assert other.post(f"/households/standards/{standard.id}/delete").status_code == 404
    assert "750" not in other.get("/households/standards").get_data(as_text=True)

    response = browser.post(f"/households/standards/{standard.id}",
                            {"region_code": "100100", "monthly_amount": "780",
                             "effective_from": "2026-01-01"})
    assert response.status_code == 303
    db.session.refresh(standard)
    assert standard.monthly_amount == Decimal("780.00")
    provider, _u = as_user("provider")
    assert provider.get("/households/standards").status_code == 403
