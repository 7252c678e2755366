"""Bad input is a 4xx naming the field, and changes nothing, through every door: integers beyond
64 bits, dates whose arithmetic overflows, amounts that are not finite two-decimal yuan, JSON
nested thousands of levels deep or larger than the limit, and control characters in text."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from contracts.households.models import HouseholdImport
from contracts.models import Contract, Facility, Provider
from evaluations.assessment.builtin import load_builtin
from evaluations.assessment.models import AssessmentTemplate
from evaluations.inspections.models import Inspection
from tests.clients import error_of
from tests.core.live import multipart
from tests.factories import hh_csv

HUGE = "99999999999999999999999"  # beyond 2^63 - 1: SQLite's OverflowError
LARGE = "3000000000"  # beyond 2^31 - 1: PostgreSQL's "integer out of range"


def rows(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def contract_body(qualified_provider, regions):
    def make(**overrides):
        return {"title": "2026年甲区入户调查", "service_type": "household_survey",
                "provider_id": qualified_provider().id, "region_code": "100100",
                "start_date": "2026-01-01", "end_date": "2026-12-31",
                "amount": "120000.00"} | overrides

    return make


# ---- integers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/contracts/{n}", "/api/v1/providers/{n}",
                                  "/api/v1/inspections/{n}", "/api/v1/submissions/{n}/review",
                                  "/api/v1/templates/{n}/export"])
@pytest.mark.parametrize("n", [HUGE, LARGE])
def test_a_path_id_no_column_holds_is_404_like_a_missing_row(api_as, path, n):
    api, _ = api_as("admin")
    method = api.post if path.endswith("review") else api.get
    response = method(path.format(n=n), json={} if path.endswith("review") else None)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_a_path_id_in_other_digits_is_no_row(api_as, as_user, make_contract):
    """"١" (Arabic-Indic one) read as 1 answered contract 1 at a second address."""
    contract = make_contract(region="a")
    assert contract.id == 1
    api, _ = api_as("admin")
    assert api.get("/api/v1/contracts/1").status_code == 200
    assert api.get("/api/v1/contracts/١").status_code == 404
    browser, _ = as_user("admin")
    assert browser.get("/contracts/１").status_code == 404


@pytest.mark.parametrize("query, field", [
    (f"page={HUGE}", "page"), (f"provider_id={LARGE}", "provider_id"), ("page=1000001", "page"), (f"per_page={HUGE}", "per_page"),
    (f"provider_id={HUGE}", "provider_id"), (f"expiring_within_days={HUGE}",
                                             "expiring_within_days"),
    ("expiring_within_days=3000000", "expiring_within_days")])
def test_query_integers_out_of_range_are_422_naming_the_field(api_as, query, field):
    api, _ = api_as("officer", region="a")
    response = api.get(f"/api/v1/contracts?{query}")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize("n", [HUGE, LARGE])
@pytest.mark.parametrize("path", ["/api/v1/inspections?template_id={n}",
                                  "/api/v1/corrective-actions?page={n}",
                                  "/api/v1/templates?page={n}"])
def test_other_lists_refuse_them_too(api_as, path, n):
    api, _ = api_as("admin")
    assert api.get(path.format(n=n)).status_code == 422


def test_body_integers_beyond_64_bits_are_422_naming_the_field(api_as, contract_body, db):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/contracts", json=contract_body(provider_id=10**30))
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["provider_id"]
    nested = api.post("/api/v1/contracts", json=contract_body(targets={"households": 10**30}))
    assert nested.status_code == 422
    assert list(error_of(nested)["fields"]) == ["targets.households"]
    assert rows(db, Contract) == 0


@pytest.mark.parametrize("beds", [99.5, "９９", "1_000"])
def test_a_whole_number_given_as_a_fraction_or_in_other_digits_is_422(api_as, regions, db,
                                                                       beds):
    # the schema alone read 99.5 as 99 beds, and "９９" or "1_000" as what int() makes of them
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/facilities", json={
        "name": "甲二福利院", "kind": "elderly_home", "region_code": "100100001", "beds": beds})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["beds"]
    assert rows(db, Facility) == 0


def test_an_inspector_id_and_a_half_schedules_nobody(api_as, inspection_world, db):
    w = inspection_world
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/inspections", json={
        "template_id": w.template.id, "facility_id": w.facility.id,
        "inspector_id": w.inspector.id + 0.5, "scheduled_for": "2026-11-10"})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["inspector_id"]
    assert rows(db, Inspection) == 0


def test_beds_per_ward_are_whole_numbers_too(api_as, make_facility, db):
    api, _ = api_as("officer", region="a")
    home = make_facility("a1")
    response = api.patch(f"/api/v1/facilities/{home.id}", json={"ward_beds": {"self_care": 2.5}})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["ward_beds.self_care"]
    assert api.get(f"/api/v1/facilities/{home.id}").get_json()["ward_beds"]["self_care"] == 40


def test_a_query_id_in_other_digits_is_422(api_as, make_contract):
    api, _ = api_as("officer", region="a")
    make_contract()
    response = api.get("/api/v1/contracts?provider_id=١")
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["provider_id"]


@pytest.mark.parametrize("url", ["/contracts?page={n}", "/providers?page={n}",
                                 "/evaluations/inspections?template_id={n}",
                                 "/evaluations/actions?provider_id={n}", "/review-queue?page={n}",
                                 "/households/anomalies?contract={n}", "/contracts/{n}"])
@pytest.mark.parametrize("n", [HUGE, LARGE])
def test_html_pages_never_fail_on_huge_numbers(as_user, url, n):
    browser, _ = as_user("officer", region="a")
    response = browser.get(url.format(n=n))
    assert response.status_code in (200, 404)


# ---- dates ------------------------------------------------------------------------------------

def test_dates_out_of_range_are_422_naming_the_field(api_as, contract_body, db):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/contracts", json=contract_body(end_date="9999-12-31"))
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["end_date"]
    assert rows(db, Contract) == 0


def test_periods_of_year_zero_are_422(api_as, make_contract, make_user):
    contract = make_contract(status="active")
    provider_api, _ = api_as("provider", provider=contract.provider)
    response = provider_api.post(f"/api/v1/contracts/{contract.id}/submissions",
                                 json={"period": "0000-01", "data": {}})
    assert response.status_code == 422 and "period" in error_of(response)["fields"]
    officer, _ = api_as("officer", region="a")
    for path in ("performance", "scorecard.pdf"):
        answer = officer.get(f"/api/v1/contracts/{contract.id}/{path}?period=0000")
        assert answer.status_code == 422 and "period" in error_of(answer)["fields"]


# ---- amounts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["1e30", 1e30, "NaN", "Infinity", "-Infinity", "1.234",
                                    1.234, "1e12", 10**30, "0"])
def test_amounts_that_are_not_yuan_are_422_naming_the_field(api_as, contract_body, db, amount):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/contracts", json=contract_body(amount=amount))
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["amount"]
    assert rows(db, Contract) == 0


def test_a_bare_nan_in_json_is_422_naming_the_field(api_as, contract_body):
    api, _ = api_as("officer", region="a")
    body = json.dumps(contract_body(amount=0)).replace('"amount": 0', '"amount": NaN')
    response = api.post("/api/v1/contracts", data=body, content_type="application/json")
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["amount"]


def test_an_amendment_of_1e30_yuan_is_422(api_as, make_contract, db):
    contract = make_contract(status="active")
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/amendments",
                        json={"amount": "1e30", "reason": "追加"})
    assert response.status_code == 422 and "amount" in error_of(response)["fields"]


def test_a_form_amount_of_1e30_is_a_form_error(as_user, make_contract, db):
    contract = make_contract(status="active")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}")
    response = browser.post(f"/contracts/{contract.id}/amend",
                            {"amount": "1e30", "reason": "追加"})
    assert response.status_code == 422
    assert "The amount is too large." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).version == 1


# ---- JSON bodies ------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 5000 + "]" * 5000,
                                  '{"a":' * 5000 + "1" + "}" * 5000])
@pytest.mark.parametrize("path", ["/api/v1/contracts", "/api/v1/templates/import",
                                  "/api/v1/tokens"])
def test_json_nested_thousands_deep_is_400(api_as, path, body):
    api, _ = api_as("admin")
    response = api.post(path, data=body, content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "bad_request"


def test_json_over_the_limit_is_413_in_the_api_shape(api_as, app):
    api, _ = api_as("admin")
    body = json.dumps({"title": "x" * app.config["MAX_JSON_LENGTH"]})
    response = api.post("/api/v1/contracts", data=body, content_type="application/json")
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"
    assert "KB" in error_of(response)["message"]


def test_an_upload_over_the_limit_is_a_friendly_413_page(as_user, app, make_contract):
    contract = make_contract(status="active")
    browser, _ = as_user("officer", region="a")
    browser.get(f"/contracts/{contract.id}/households")
    body, content_type = multipart("big.csv", b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
                                   csrf_token=browser.token)
    response = browser.client.post(f"/contracts/{contract.id}/households/import", data=body,
                                   content_type=content_type)
    assert response.status_code == 413
    assert "larger than this system accepts" in response.get_data(as_text=True)


# ---- control characters -----------------------------------------------------------------------

@pytest.mark.parametrize("name, field", [("乙\x00组织", "name"), ("乙\x07组织", "name"),
                                         ("乙\n组织", "name")])
def test_control_characters_in_api_text_are_422_naming_the_field(api_as, db, name, field):
    api, _ = api_as("officer", region="a")
    response = api.post("/api/v1/providers", json={
        "name": name, "credit_code": "91110000MA0000000X", "kind": "company"})
    assert response.status_code == 422 and list(error_of(response)["fields"]) == [field]
    assert rows(db, Provider) == 0


def test_line_breaks_are_fine_in_multi_line_fields(api_as, make_contract, db):
    contract = make_contract(status="active")
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/transitions",
                        json={"to": "suspended", "reason": "第一行\r\n\t第二行"})
    assert response.status_code == 201, response.get_json()
    refused = api.post(f"/api/v1/contracts/{contract.id}/transitions",
                       json={"to": "active", "reason": "响铃\x07"})
    assert refused.status_code == 422 and list(error_of(refused)["fields"]) == ["reason"]


@pytest.mark.parametrize("language, message", [("en", "Remove the control character U+0007"),
                                               ("zh-CN", "请删除控制字符 U+0007")])
def test_a_form_shows_the_refusal_on_the_field_in_both_languages(as_user, db, language,
                                                                  message):
    browser, _ = as_user("officer", region="a")
    browser.get("/providers/new")
    response = browser.post("/providers/new", {
        "name": "乙\x07组织", "credit_code": "91110000MA0000000X", "kind": "company"},
        headers={"Accept-Language": language})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(db, Provider) == 0


def test_a_household_file_with_a_control_character_names_row_and_field(api_as, make_contract,
                                                                       db, on_day):
    on_day(date(2026, 6, 30))
    contract = make_contract(status="active")
    api, _ = api_as("provider", provider=contract.provider)
    # past the first 4 KB, which a CSV's sniffing already refuses as a binary file
    data = hh_csv([{}] * 79 + [{"head_name": "王\x07秀英"}])
    assert data.index(b"\x07") > 4096
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(data), "h.csv")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert [(r["row"], r["field"]) for r in response.get_json()["error"]["rows"]] == [
        (81, "head_name")]
    assert rows(db, HouseholdImport) == 0


def test_a_template_with_a_control_character_names_its_path(api_as, db):
    api, _ = api_as("admin")
    doc = load_builtin("quality")
    doc["sections"][0]["items"][0]["text"]["en"] = "Bell\x07"
    response = api.post("/api/v1/templates/import", json=doc)
    assert response.status_code == 422
    assert "sections[0].items[0].text.en" in error_of(response)["fields"]
    assert rows(db, AssessmentTemplate) == 0
