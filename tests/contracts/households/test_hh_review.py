"""Defects found in review of the household records: an ID number typed in full-width digits
meeting a stored one, filters naming nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from contracts.households.models import HouseholdRecord
from contracts.households.services import HouseholdImportError, import_households
from tests.factories import hh_csv, hh_id

_FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_a_stored_id_typed_in_full_width_digits_is_a_row_error(db, hh_contract, import_rows):
    contract = hh_contract()
    import_rows(contract, [{"id_number": hh_id(1), "survey_date": "2026-03-05"}])
    again = hh_csv([{"id_number": hh_id(2)},
                    {"id_number": hh_id(1).translate(_FULL), "survey_date": "2026-03-20"}])
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, again, "h.csv", None)
    db.session.rollback()
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "id_number")]
    assert "already recorded" in str(caught.value.errors[0].message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)) == 1


def test_a_township_that_does_not_exist_filters_out_every_record(db, hh_contract, import_rows,
                                                                 api_as, as_user):
    contract = hh_contract()
    import_rows(contract, [{"head_name": "张三"}])
    api, _u = api_as("officer", region="a")
    body = api.get(f"/api/v1/contracts/{contract.id}/households?township_id=987654").get_json()
    assert body["items"] == []
    browser, _u = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}/households?township=987654").get_data(
        as_text=True)
    assert "张三" not in page


@pytest.mark.parametrize("second", ["李 强", "李　强", "Ｌｉ Ｑｉａｎｇ", "li qiang", "LI  QIANG"])
def test_the_same_investigator_written_another_way_is_not_a_second_investigator(
        db, hh_contract, second):
    first = "Li Qiang" if second.isascii() or "Ｑ" in second else "李强"
    contract = hh_contract()
    data = hh_csv([{"surveyor": first, "second_surveyor": second}])
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, data, "h.csv", None)
    db.session.rollback()
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "second_surveyor")]
    assert "at least two investigators" in str(caught.value.errors[0].message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)) == 0


@pytest.mark.parametrize(("field", "value"), [("surveyor", "李强\u200b"),
                                              ("head_name", "王秀英\u202e"),
                                              ("second_surveyor", "\u2066张敏")])
def test_invisible_characters_in_a_name_are_a_row_error(db, hh_contract, field, value):
    # "李强" and "李强\u200b" look alike yet would be two surveyors: the daily-overload flag
    # and the sample's strata each counted half of one person's visits
    contract = hh_contract()
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, hh_csv([{field: value}]), "h.csv", None)
    db.session.rollback()
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, field)]
    assert "invisible character" in str(caught.value.errors[0].message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdRecord)) == 0


def test_only_the_row_of_the_stored_period_is_named_already_recorded(db, hh_contract,
                                                                    import_rows):
    contract = hh_contract()
    import_rows(contract, [{"id_number": hh_id(1), "survey_date": "2026-03-05"}])
    data = hh_csv([{"id_number": hh_id(1), "survey_date": "2026-03-20"},
                   {"id_number": hh_id(1), "survey_date": "2026-04-02"}])
    with pytest.raises(HouseholdImportError) as caught:
        import_households(contract, data, "h.csv", None)
    db.session.rollback()
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "id_number")]


def test_the_anomaly_list_of_a_county_code_that_does_not_exist_is_empty(db, hh_contract,
                                                                        import_rows, as_user):
    first, second = hh_contract(), hh_contract()
    import_rows(first, [{"id_number": hh_id(7), "head_name": "甲"}])
    import_rows(second, [{"id_number": hh_id(7), "head_name": "丙"}])
    browser, _u = as_user("officer", region="city")
    assert "甲" in browser.get("/households/anomalies").get_data(as_text=True)
    page = browser.get("/households/anomalies?county=999999").get_data(as_text=True)
    assert "甲" not in page and "丙" not in page


def test_the_last_four_of_an_id_typed_in_full_width_find_the_household(db, hh_contract,
                                                                       import_rows, api_as):
    # an input method left in full-width mode types "１２３Ｘ"; imports read it as 123X already
    contract = hh_contract()
    import_rows(contract, [{"id_number": hh_id(1), "head_name": "张三"},
                           {"id_number": hh_id(5), "head_name": "李四"}])
    api, _u = api_as("officer", region="a")
    last_four = hh_id(1)[-4:].translate(_FULL)
    body = api.get(f"/api/v1/contracts/{contract.id}/households?q={last_four}").get_json()
    assert [r["head_name"] for r in body["items"]] == ["张三"]
