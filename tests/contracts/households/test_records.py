"""Records: listing and filters, progress, masking everywhere, the audited full view, exports,
and the records imported before the two-investigator rule."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditLog
from contracts.households import records
from contracts.households import services as households
from contracts.households.models import HouseholdRecord
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
    assert names("surveyor=张敏") == ["李四", "张三"]  # the second investigator counts too


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


def test_export_carries_the_columns_of_the_two_investigator_rule(db, hh_contract, import_rows,
                                                                 as_user):
    contract = hh_contract()
    import_rows(contract, [{"id_number": FULL, "staff_relative": "是", "area": "urban"}])
    browser, _u = as_user("officer", region="a")
    sheet = load_workbook(io.BytesIO(browser.get(
        f"/contracts/{contract.id}/households?format=xlsx").data)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Second surveyor (第二调查员)"] == "张敏"
    assert row["Area (城乡)"] == "Urban (城镇)"
    assert row["Staff relative (工作人员近亲属)"] == "Yes"
    assert row["Recorded before the rule"] == "No"
