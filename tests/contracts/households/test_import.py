"""The household import service: all or nothing, duplicates per contract and period, regions,
permissions, through the service, the HTML upload and the API."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.audit.models import AuditLog
from app.errors import Conflict
from app.extensions import db as _db
from contracts import services as contracts
from contracts.households.models import HouseholdImport, HouseholdRecord
from contracts.households.services import HouseholdImportError, import_households, period_key
from contracts.models import Contract
from reports.exports.ocds import published_contracts, releases
from tests.factories import hh_csv, hh_id
from tests.threads import read_then_act_after, stored_as


def count(db, model=HouseholdRecord) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_period_key_monthly_and_quarterly():
    assert period_key("monthly", date(2026, 10, 3)) == "2026-10"
    assert period_key("quarterly", date(2026, 10, 3)) == "2026-Q4"
    assert period_key("quarterly", date(2026, 3, 31)) == "2026-Q1"


def test_valid_file_stores_every_record_and_one_audited_batch(db, hh_contract, import_rows):
    contract = hh_contract()
    batch = import_rows(contract, [{}, {"survey_date": "2026-04-01", "recommendation": "特困"}])

    assert batch.rows == 2 and len(batch.sha256) == 64
    records = db.session.scalars(sa.select(HouseholdRecord).order_by(HouseholdRecord.id)).all()
    assert [r.period for r in records] == ["2026-03", "2026-04"]
    assert records[1].recommendation.value == "tekun"
    assert records[0].region.code == "100100001001" and records[0].import_id == batch.id
    trail = db.session.scalars(sa.select(AuditLog.object_type)).all()
    assert "household_imports" in trail and "household_records" not in trail


def test_one_bad_row_among_1000_stores_nothing(db, hh_contract):
    contract = hh_contract()
    records = [{"id_number": hh_id(i, birth=f"1970{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}")}
               for i in range(1000)]
    records[637]["members"] = "0"
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, hh_csv(records), "h.csv", None)
    db.session.rollback()

    assert caught.value.error_count == 1
    assert [(e.row, e.field) for e in caught.value.errors] == [(639, "members")]
    assert count(db) == 0 and count(db, HouseholdImport) == 0


def test_duplicate_against_stored_records_of_same_contract_and_period(db, hh_contract,
                                                                      import_rows):
    contract = hh_contract()
    import_rows(contract, [{"id_number": hh_id(1), "survey_date": "2026-03-05"}])
    same_period = hh_csv([{"id_number": hh_id(2)},
                          {"id_number": hh_id(1), "survey_date": "2026-03-20"}])
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, same_period, "h.csv", None)
    db.session.rollback()
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "id_number")]
    assert "already recorded" in str(caught.value.errors[0].message)

    # the same household in another month of the monthly contract is a new survey
    import_rows(contract, [{"id_number": hh_id(1), "survey_date": "2026-04-02"}])
    assert count(db) == 2


def test_same_id_in_another_contract_is_not_a_duplicate(db, hh_contract, import_rows):
    first, second = hh_contract(), hh_contract()
    import_rows(first, [{"id_number": hh_id(1)}])
    import_rows(second, [{"id_number": hh_id(1)}])
    assert count(db) == 2


def test_region_outside_the_contract_region_is_a_row_error(db, hh_contract):
    contract = hh_contract()  # county A
    data = hh_csv([{}, {"region_code": "100200101"}])  # a township of county B
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, data, "h.csv", None)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "region_code")]


def test_inactive_contract_refuses_import(db, make_contract, on_day):
    on_day(date(2026, 6, 30))
    from app.errors import Conflict

    contract = make_contract()  # draft
    with pytest.raises(Conflict):
        import_households(contract, hh_csv([{}]), "h.csv", None)


def test_a_file_read_while_the_contract_was_terminated_imports_nothing(app, db, hh_contract):
    """The import checked the contract it read, active, then read the file; the officer
    terminated the contract meanwhile, and the records landed in the terminated contract."""
    contract_id = hh_contract().id

    outcomes = read_then_act_after(
        app, lambda: _db.session.get(Contract, contract_id),
        lambda c: contracts.transition_contract(c, "terminated", actor=None, reason="服务中止"),
        lambda c: import_households(c, hh_csv([{}]), "h.csv", None),
        stored_as(Contract, contract_id, "terminated"))
    assert outcomes[0] is None and "active contract only" in outcomes[1], outcomes
    assert count(db) == 0 and count(db, HouseholdImport) == 0


def test_an_import_leaves_the_contracts_published_release_as_it_was(db, hh_contract, on_day,
                                                                     import_rows):
    """The import holds the contract's row while it writes; the hold stamped the contract's
    ``updated_at``, and its open-data release took a new id and date as if it had changed."""
    contract = hh_contract()
    published = releases(published_contracts(None))[0]
    on_day(date(2026, 7, 1))
    import_rows(contract, [{}])
    db.session.expire_all()
    again = releases(published_contracts(None))[0]
    assert (again["id"], again["date"]) == (published["id"], published["date"])


def test_api_import_gbk_chinese_headers(db, hh_contract, api_as):
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    data = hh_csv([{"recommendation": "低保"}, {"recommendation": "不符合"}], chinese=True,
                  encoding="gbk")
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(data), "调查.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["imported"] == 2
    assert count(db) == 2


def test_api_422_lists_rows_and_imports_nothing(db, hh_contract, api_as):
    contract = hh_contract()
    api, _user = api_as("officer", region="a")
    bad = hh_id(5)[:-1] + ("0" if hh_id(5)[-1] != "0" else "1")
    data = hh_csv([{}, {"id_number": bad}, {"survey_date": "2027-01-01"}])
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(data), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert [(r["row"], r["field"]) for r in error["rows"]] == [(3, "id_number"),
                                                               (4, "survey_date")]
    assert "check character" in error["rows"][0]["message"]
    assert count(db) == 0 and count(db, HouseholdImport) == 0


@pytest.mark.parametrize("members", ["9" * 25, "100"])
def test_an_implausible_household_size_is_a_row_error(db, hh_contract, api_as, members):
    # 25 digits once reached the insert and answered 500
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(hh_csv([{"members": members}])), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    rows = response.get_json()["error"]["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [(2, "members")]
    assert "at most 99" in rows[0]["message"]
    assert count(db) == 0 and count(db, HouseholdImport) == 0


def test_provider_cannot_import_into_or_read_another_providers_contract(db, hh_contract,
                                                                          api_as):
    contract = hh_contract()
    api, _user = api_as("provider")  # another provider
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(hh_csv([{}])), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 404
    assert api.get(f"/api/v1/contracts/{contract.id}/households").status_code == 404
    assert count(db) == 0


def test_inspector_may_not_import(db, hh_contract, api_as):
    contract = hh_contract()
    api, _user = api_as("inspector", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(hh_csv([{}])), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 403


def test_html_upload_success_and_error_table_with_download(db, hh_contract, as_user):
    contract = hh_contract()
    browser, _user = as_user("provider", provider=contract.provider)
    url = f"/contracts/{contract.id}/households"
    assert browser.get(url).status_code == 200
    response = browser.post(f"{url}/import", {"file": (io.BytesIO(hh_csv([{}, {"members": "x"}])),
                                                        "h.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "members" in page and "<td>3</td>" in page
    errors = browser.get(f"{url}/import-errors.xlsx")
    assert errors.status_code == 200 and errors.data[:2] == b"PK"
    assert count(db) == 0

    response = browser.post(f"{url}/import", {"file": (io.BytesIO(hh_csv([{}, {}][:1])),
                                                        "h.csv")},
                            content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "1 household records were imported" in response.get_data(as_text=True)
    assert count(db) == 1
    template = browser.get(f"{url}/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


def test_the_visit_rules_refuse_the_whole_file_on_the_page_and_in_the_api(
        db, hh_contract, as_user, api_as):
    """The issue's row: one investigator, ¥5,000 a month, ¥5 million of assets, 低保, and no
    applicant's signature — refused with the row and field named, nothing stored."""
    contract = hh_contract()
    data = hh_csv([{}, {"second_surveyor": "李强", "monthly_income": "5000",
                        "assets": "5000000", "applicant_signed": "否"}])
    browser, _u = as_user("provider", provider=contract.provider)
    browser.get(f"/contracts/{contract.id}/households")
    response = browser.post(f"/contracts/{contract.id}/households/import",
                            {"file": (io.BytesIO(data), "h.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第二调查员 (second_surveyor)" in page and "申请人签字 (applicant_signed)" in page
    assert "at least two investigators" in page and "The applicant did not sign" in page
    api, _u = api_as("provider", provider=contract.provider)
    answer = api.post(f"/api/v1/contracts/{contract.id}/households",
                      data={"file": (io.BytesIO(data), "h.csv")},
                      content_type="multipart/form-data")
    assert answer.status_code == 422
    rows = {(r["row"], r["field"]) for r in answer.get_json()["error"]["rows"]}
    assert rows == {(3, "second_surveyor"), (3, "applicant_signed")}
    assert count(db) == 0 and count(db, HouseholdImport) == 0


def test_a_refused_file_keeps_the_records_on_the_page_and_masks_ids_in_its_errors(
        db, hh_contract, as_user):
    contract = hh_contract()
    browser, _user = as_user("provider", provider=contract.provider)
    url = f"/contracts/{contract.id}/households"
    browser.get(url)
    first = hh_id(1)
    assert browser.post(f"{url}/import", {"file": (io.BytesIO(hh_csv([{"id_number": first}])),
                                                   "h.csv")},
                        content_type="multipart/form-data").status_code == 303
    wrong_check = hh_id(2)[:17] + ("0" if hh_id(2)[17] != "0" else "1")
    again = hh_csv([{"id_number": first}, {"id_number": wrong_check}])
    response = browser.post(f"{url}/import", {"file": (io.BytesIO(again), "h.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is already recorded for this contract and period" in page
    assert first not in page and wrong_check not in page  # neither in the table nor the list
    assert f"{first[:6]}********{first[-4:]}" in page  # the error row and the kept record
    assert page.count(f"{first[:6]}********{first[-4:]}") >= 2
    assert f"{wrong_check[:6]}********{wrong_check[-4:]}" in page
    assert count(db) == 1


def test_a_file_imported_twice_names_the_bureaus_day_of_the_first_import(db, hh_contract,
                                                                          import_rows):
    """The refusal named the UTC day of the first import: a file imported at 01:30 on
    1 July in Shanghai (30 June 17:30 UTC) was said to be imported on 30 June."""
    contract = hh_contract()
    clock.set_clock(lambda: datetime(2026, 6, 30, 17, 30, tzinfo=UTC))
    import_rows(contract, [{}])
    with pytest.raises(Conflict) as caught:
        import_households(contract, hh_csv([{}]), "h.csv", None)
    assert "2026-07-01" in str(caught.value) and "2026-06-30" not in str(caught.value)
