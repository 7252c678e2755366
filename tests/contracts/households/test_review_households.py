"""Review of household records: what a bureau met with odd files and hostile input — full ID
numbers echoed in the errors of a refused file, another county's contract named by a flag."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from app.errors import DomainError
from app.worker.runner import WorkerHost
from contracts.households.models import HouseholdRecord
from tests.factories import hh_csv, hh_id


def post_file(api, contract, data: bytes, name: str = "h.csv"):
    return api.post(f"/api/v1/contracts/{contract.id}/households",
                    data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def masked(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


# ---- full ID numbers in the errors of a refused file ------------------------------------------

def test_a_file_without_its_header_row_does_not_echo_an_id_number_in_its_errors(
        app, db, hh_contract, api_as, monkeypatch):
    """The header row deleted, the first household became the "header": the refusal listed
    its cells as unknown columns, the ID number whole; a queued file keeps that message for
    every officer who sees the contract, may they see full ID numbers or not."""
    monkeypatch.setitem(app.config, "HOUSEHOLD_IMPORT_QUEUE_ROWS", 2)
    contract = hh_contract()
    provider, _user = api_as("provider", provider=contract.provider)
    first = hh_id(0)
    data = hh_csv([{}, {}, {}]).split(b"\r\n", 1)[1]  # the header row removed
    answer = post_file(provider, contract, data)
    assert answer.status_code == 202, answer.get_json()
    assert WorkerHost(app).run(once=True) == 1

    officer, user = api_as("officer", region="a")
    assert not user.can_view_full_ids
    body = officer.get(answer.get_json()["status_url"]).get_json()
    assert body["status"] == "refused"
    text = str(body["rows"]) + body["message"]
    assert "Unknown columns" in text
    assert first not in text and masked(first) in text


def test_an_id_number_in_the_wrong_column_is_masked_in_the_row_errors(db, hh_contract, api_as):
    """A column pasted one place off put ID numbers under 调查日期, 家庭人口 and 区划代码: each
    error quoted the cell, a whole ID number."""
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    number = hh_id(7)
    data = hh_csv([{"survey_date": number}, {"members": number}, {"region_code": number},
                   {"monthly_income": number + "元"}])
    response = post_file(api, contract, data)
    assert response.status_code == 422
    rows = response.get_json()["error"]["rows"]
    assert [(r["row"], r["field"]) for r in rows] == [
        (2, "survey_date"), (3, "members"), (4, "region_code"), (5, "monthly_income")]
    for row in rows:
        assert number not in row["message"] and masked(number) in row["message"], row
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)) == 0


# ---- hostile query parameters ---------------------------------------------------------------

@pytest.mark.parametrize("query", ["q=%00", "surveyor=%00", "period=%00", "township=99999999",
                                   "q=%25_%5C", "anomaly=%00", "page=-1", "format=xlsx&q=%00"])
def test_odd_filters_of_the_list_never_answer_500(db, hh_contract, import_rows, as_user, query):
    contract = hh_contract()
    import_rows(contract, [{}])
    browser, _user = as_user("officer", region="a")
    response = browser.get(f"/contracts/{contract.id}/households?{query}")
    assert response.status_code < 500


@pytest.mark.parametrize("query", ["county=%00", "kind=%00", "contract=x", "county=999"])
def test_odd_filters_of_the_anomalies_never_answer_500(db, as_user, query):
    browser, _user = as_user("officer", region="a")
    assert browser.get(f"/households/anomalies?{query}").status_code < 500


@pytest.mark.parametrize("query", ["q=%00", "surveyor=%00", "period=%00", "township_id=-5"])
def test_odd_filters_of_the_api_never_answer_500(db, hh_contract, import_rows, api_as, query):
    contract = hh_contract()
    import_rows(contract, [{}])
    api, _user = api_as("officer", region="a")
    assert api.get(f"/api/v1/contracts/{contract.id}/households?{query}").status_code < 500


# ---- the duplicate-ID flag and contracts the reader may not see ------------------------------

def test_a_county_officer_reads_the_duplicate_flag_without_another_countys_contract(
        db, hh_contract, import_rows, as_user):
    """The flag named the other county's contract to a county officer, who may not see it
    (its page is a 404 for them), on the records' list and on the anomalies list alike."""
    ours, theirs = hh_contract(), hh_contract(region="b")
    import_rows(ours, [{"id_number": hh_id(7), "head_name": "甲"}])
    import_rows(theirs, [{"id_number": hh_id(7), "head_name": "丙",
                          "region_code": "100200101"}])
    unnamed = "The same ID number is recorded under another contract in period 2026-03."

    county, _u = as_user("officer", region="a")
    assert county.get(f"/contracts/{theirs.id}").status_code == 404
    for url in (f"/contracts/{ours.id}/households", "/households/anomalies"):
        page = county.get(url).get_data(as_text=True)
        assert "甲" in page and theirs.number not in page, url
        assert unnamed in page, url

    city, _u = as_user("officer", region="city")
    page = city.get(f"/contracts/{ours.id}/households").get_data(as_text=True)
    assert f"recorded under contract {theirs.number} in period 2026-03." in page


# ---- two imports into one contract at the same instant ---------------------------------------

@pytest.mark.parametrize("same_file", [True, False])
def test_two_imports_of_one_household_at_the_same_instant_store_it_once(
        app, db, hh_contract, same_file):
    from contracts.households.models import HouseholdImport
    from contracts.households.services import import_households
    from contracts.models import Contract
    from tests.threads import read_then_act_at_once

    contract_id = hh_contract().id
    first = hh_csv([{"id_number": hh_id(1)}, {"id_number": hh_id(2)}])
    second = first if same_file else hh_csv([{"id_number": hh_id(3)},
                                             {"id_number": hh_id(1)}])
    refusals = []

    def importing(data: bytes):
        def act(contract) -> None:
            try:
                import_households(contract, data, "h.csv", None)
            except DomainError as error:  # what the page or the API would answer
                refusals.append((error.status, str(error)))
                raise
        return act

    outcomes = read_then_act_at_once(app, lambda: db.session.get(Contract, contract_id),
                                     importing(first), importing(second))
    assert outcomes.count(None) == 1, outcomes
    assert len(refusals) == 1 and refusals[0][0] == 409, refusals
    assert "same moment" in refusals[0][1], refusals
    db.session.rollback()
    stored = db.session.scalars(sa.select(HouseholdRecord.id_number)).all()
    assert stored.count(hh_id(1)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdImport)) == 1



# ---- amounts Excel computed ------------------------------------------------------------------

def households_xlsx(records: list[dict]) -> bytes:
    """A household workbook of ``records`` (cells by field key: str, float, date...)."""
    from datetime import date

    from openpyxl import Workbook

    from contracts.households.files import ALL_FIELDS

    defaults = dict(head_name="王秀英", region_code="100100001001", members=3, area="农村",
                    monthly_income=1200.0, assets=0, survey_date=date(2026, 3, 5),
                    surveyor="李强", recommendation="低保", second_surveyor="张敏",
                    surveyors_signed="是", applicant_signed="是")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(ALL_FIELDS))
    for i, values in enumerate(records):
        row = defaults | {"id_number": hh_id(i)} | values
        sheet.append([row.get(key) for key in ALL_FIELDS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_income_excel_summed_from_its_lines_is_imported(db, hh_contract, api_as):
    """家庭月收入 as the bureau's form computes it, =SUM(工资性收入:种养殖收入): Excel keeps
    100.7 + 415.6 as 516.3000000000001 (it shows 516.30, and holds 15 significant digits),
    and the whole file was refused for "more than 2 decimal places"."""
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    summed = 100.7 + 415.6
    assert repr(summed) == "516.3000000000001"
    data = households_xlsx([{"income_wages": 100.7, "income_farming": 415.6,
                             "monthly_income": summed, "assets": 3 * 333.1}])
    assert b"<v>516.3000000000001</v>" in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")
    response = post_file(api, contract, data, "h.xlsx")
    assert response.status_code == 201, response.get_json()["error"]["rows"]
    record = db.session.scalar(sa.select(HouseholdRecord))
    assert str(record.monthly_income) == "516.30" and str(record.assets) == "999.30"
    assert record.income_lines == {"income_wages": "100.70", "income_farming": "415.60"}

    # a real fraction of a fen is still refused
    response = post_file(api, contract, households_xlsx([{"monthly_income": 1200.305}]),
                         "h2.xlsx")
    assert response.status_code == 422
    assert "1200.305" in response.get_json()["error"]["rows"][0]["message"]


# ---- an ID number typed in full width ----------------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_an_id_number_typed_in_full_width_is_imported_in_ascii(db, hh_contract, api_as):
    """A Chinese input method left in full-width mode types ４２１２…: the row was refused
    ("must be 17 digits followed by a digit or X") though the number is right."""
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    with_x = next(hh_id(n) for n in range(1000) if hh_id(n).endswith("X"))
    numbers = [hh_id(1), with_x]
    response = post_file(api, contract, hh_csv(
        [{"id_number": n.translate(FULL_WIDTH)} for n in numbers]))
    assert response.status_code == 201, response.get_json()["error"]["rows"]
    assert sorted(db.session.scalars(sa.select(HouseholdRecord.id_number))) == sorted(numbers)
