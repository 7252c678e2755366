"""Anomaly flags: against the standard in force on the survey date for the region and area,
each naming its rule and figures; surveyor overload and duplicate IDs as before; records of
before the two-investigator rule stay readable and are marked."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.extensions import db as _db
from contracts.households import anomalies, standards
from contracts.households.models import HouseholdImport, HouseholdRecord, Recommendation
from tests.factories import hh_id


def flagged(kind: str) -> set[str]:
    ids = anomalies.flagged_ids(kind)
    return set(_db.session.scalars(sa.select(HouseholdRecord.head_name)
                                   .where(HouseholdRecord.id.in_(ids))))


def messages_of(db, name: str) -> list[str]:
    record = db.session.scalar(sa.select(HouseholdRecord).where(HouseholdRecord.head_name == name))
    return [flag.message for flag in anomalies.flag_details([record]).get(record.id, [])]


def test_standard_by_area_and_year_is_chosen_by_survey_date(db, regions):
    for year, area, amount in ((2025, "rural", "500"), (2026, "rural", "560"),
                               (2026, "urban", "800")):
        standards.save_standard(region=regions["a"], year=year, area=area,
                                dibao_monthly=amount, actor=None)
    standards.save_standard(region=regions["city"], year=2024, area="rural",
                            dibao_monthly="450", actor=None)
    village, b1 = regions["village"], regions["b1"]

    assert standards.standard_on(village, "rural", date(2025, 12, 31)).dibao == 500
    assert standards.standard_on(village, "rural", date(2026, 1, 1)).dibao == 560
    assert standards.standard_on(village, "urban", date(2026, 3, 1)).dibao == 800
    assert standards.standard_on(village, None, date(2026, 3, 1)).dibao == 560  # before areas
    # a year without its own standard keeps the latest earlier one
    assert standards.standard_on(village, "rural", date(2027, 5, 1)).dibao == 560
    # no standard of that area in the county before 2026: none, not the other area's
    assert standards.standard_on(village, "urban", date(2025, 6, 1)) is None
    # a county without its own standard follows the city's
    assert standards.standard_on(b1, "rural", date(2026, 3, 1)).dibao == 450
    assert standards.standard_on(b1, "urban", date(2026, 3, 1)) is None


def test_dibao_verdict_above_the_standard_is_flagged_with_the_figures(db, regions, hh_contract,
                                                                      import_rows):
    standards.save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="560",
                            asset_limit_per_person="20000", actor=None)
    standards.save_standard(region=regions["a"], year=2026, area="urban", dibao_monthly="800",
                            actor=None)
    contract = hh_contract()
    import_rows(contract, [
        # one investigator-pair, 5,000 a month for one person, verdict 低保: flagged
        {"head_name": "高收入", "members": "1", "monthly_income": "5000"},
        # 2 members, 1,400 → 700 a head: above the rural 560, below the urban 800
        {"head_name": "农村", "members": "2", "monthly_income": "1400"},
        {"head_name": "城镇", "members": "2", "monthly_income": "1400", "area": "urban"},
        # same income, not recommended for assistance: no income flag
        {"head_name": "不符合", "members": "2", "monthly_income": "1400", "recommendation": "none"},
        # ¥5 million of assets and 低保
        {"head_name": "有钱", "members": "2", "monthly_income": "600", "assets": "5000000"},
        # 50 a month for three people yet judged not eligible
        {"head_name": "很穷", "members": "3", "monthly_income": "150", "recommendation": "none"},
        {"head_name": "特困高", "members": "1", "monthly_income": "900", "recommendation": "tekun"},
    ])

    assert flagged("income_above_standard") == {"高收入", "农村", "特困高"}
    assert flagged("assets_above_limit") == {"有钱"}
    assert flagged("income_far_below") == {"很穷"}
    assert messages_of(db, "高收入") == [
        "Per-capita income ¥5,000.00 is above the 低保 standard ¥560.00 (甲区 2026, Rural (农村)), "
        "yet the recommendation is Subsistence allowance (低保)."]
    assert messages_of(db, "有钱") == [
        "Assets per person ¥2,500,000.00 exceed the limit ¥20,000.00 (甲区 2026, Rural (农村)), "
        "yet the recommendation is Subsistence allowance (低保)."]
    assert messages_of(db, "很穷") == [
        "Per-capita income ¥50.00 is below 50% of the 低保 standard ¥560.00 (甲区 2026, Rural "
        "(农村)), yet the recommendation is Not eligible (不符合)."]
    assert messages_of(db, "城镇") == []


def test_flags_and_their_figures_show_on_the_list_and_anomaly_pages(db, regions, hh_contract,
                                                                   import_rows, as_user):
    standards.save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="560",
                            actor=None)
    contract = hh_contract()
    import_rows(contract, [{"head_name": "高收入", "members": "1", "monthly_income": "5000"},
                           {"head_name": "正常", "members": "3", "monthly_income": "900"}])
    browser, _u = as_user("officer", region="a")
    for url in (f"/contracts/{contract.id}/households", "/households/anomalies",
                "/households/anomalies?kind=income_above_standard"):
        page = browser.get(url).get_data(as_text=True)
        assert "Per-capita income ¥5,000.00 is above the 低保 standard ¥560.00" in page, url
    listing = browser.get("/households/anomalies").get_data(as_text=True)
    assert "高收入" in listing and "正常" not in listing
    zh, _u = as_user("officer", region="a", locale="zh_CN")
    page = zh.get("/households/anomalies").get_data(as_text=True)
    assert "人均收入 ¥5,000.00 高于低保标准 ¥560.00（甲区 2026年，农村）" in page
    other, _u = as_user("officer", region="b")
    assert "高收入" not in other.get("/households/anomalies").get_data(as_text=True)


def test_a_flag_never_says_a_per_capita_figure_equal_to_what_it_is_compared_with(
        db, regions, hh_contract, import_rows):
    standards.save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="560",
                            asset_limit_per_person="20000", actor=None)
    contract = hh_contract()
    import_rows(contract, [
        # 1,680.01 for three: 560.0033 a head, which the nearest fen would show as 560.00
        {"head_name": "差一分", "members": "3", "monthly_income": "1680.01"},
        {"head_name": "资产", "members": "3", "monthly_income": "0", "assets": "60000.01"},
        # 839.99 for three: 279.9967 a head, below half of 560 (280.00)
        {"head_name": "差一点", "members": "3", "monthly_income": "839.99",
         "recommendation": "none"},
    ])
    assert messages_of(db, "差一分")[0].startswith(
        "Per-capita income ¥560.01 is above the 低保 standard ¥560.00")
    assert messages_of(db, "资产")[0].startswith(
        "Assets per person ¥20,000.01 exceed the limit ¥20,000.00")
    assert messages_of(db, "差一点")[0].startswith(
        "Per-capita income ¥279.99 is below 50% of the 低保 standard ¥560.00")


def test_surveyor_overload_flag_uses_the_configured_limit(app, db, hh_contract, import_rows):
    contract = hh_contract()
    import_rows(contract, [{"head_name": f"户{i}", "surveyor": "忙人"} for i in range(4)]
                + [{"head_name": "别人", "surveyor": "闲人"}])
    app.config["HOUSEHOLD_SURVEYOR_DAILY_MAX"] = 3
    try:
        assert flagged("surveyor_overload") == {f"户{i}" for i in range(4)}
        assert messages_of(db, "户0") == ["忙人 recorded 4 households on 2026-03-05; at most 3 "
                                         "a day are expected."]
    finally:
        app.config.pop("HOUSEHOLD_SURVEYOR_DAILY_MAX")
    assert flagged("surveyor_overload") == set()  # default 15


def test_same_id_under_two_contracts_in_one_period(db, hh_contract, import_rows, as_user):
    first, second = hh_contract(), hh_contract()
    import_rows(first, [{"id_number": hh_id(7), "head_name": "甲"}, {"head_name": "乙"}])
    import_rows(second, [{"id_number": hh_id(7), "head_name": "丙"},
                         {"id_number": hh_id(8), "head_name": "丁", "survey_date": "2026-04-01"}])
    assert flagged("duplicate_id") == {"甲", "丙"}
    assert messages_of(db, "甲") == [f"The same ID number is recorded under contract "
                                    f"{second.number} in period 2026-03."]

    browser, _u = as_user("officer", region="a")
    page = browser.get("/households/anomalies?kind=duplicate_id").get_data(as_text=True)
    assert "甲" in page and "丙" in page and "乙" not in page
    records = browser.get(f"/contracts/{first.id}/households?anomaly=duplicate_id")
    assert "甲" in records.get_data(as_text=True) and "乙" not in records.get_data(as_text=True)
    other, _u = as_user("officer", region="b")
    assert "甲" not in other.get("/households/anomalies").get_data(as_text=True)


def test_a_provider_reads_the_duplicate_flag_without_the_other_providers_contract(
        db, hh_contract, import_rows, as_user):
    mine, theirs = hh_contract(), hh_contract()
    also_mine = hh_contract(provider=mine.provider)
    assert mine.provider_id != theirs.provider_id
    import_rows(mine, [{"id_number": hh_id(7), "head_name": "甲"}])
    import_rows(theirs, [{"id_number": hh_id(7), "head_name": "丙"}])

    browser, _user = as_user("provider", provider=mine.provider)
    page = browser.get(f"/contracts/{mine.id}/households").get_data(as_text=True)
    assert "甲" in page and theirs.number not in page
    assert "The same ID number is recorded under another contract in period 2026-03." in page
    officer, _u = as_user("officer", region="a")
    page = officer.get(f"/contracts/{mine.id}/households").get_data(as_text=True)
    assert f"recorded under contract {theirs.number} in period 2026-03." in page
    # its own other contract a provider may see: named
    import_rows(also_mine, [{"id_number": hh_id(7), "head_name": "乙"}])
    page = browser.get(f"/contracts/{mine.id}/households").get_data(as_text=True)
    assert f"recorded under contract {also_mine.number} in period 2026-03." in page
    assert theirs.number not in page


def test_records_from_before_the_rule_stay_readable_and_are_marked(db, regions, hh_contract,
                                                                   as_user, api_as):
    contract = hh_contract()
    batch = HouseholdImport(contract_id=contract.id, filename="2025.csv", sha256="0" * 64,
                            rows=1)
    db.session.add(batch)
    db.session.flush()
    db.session.add(HouseholdRecord(
        contract_id=contract.id, period="2026-03", id_number=hh_id(3), head_name="旧记录",
        region_id=regions["village"].id, members=2, monthly_income=1000, assets=0,
        survey_date=date(2026, 3, 2), surveyor="李强、张敏", recommendation=Recommendation.DIBAO,
        import_id=batch.id))
    standards.save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="400",
                            actor=None)
    db.session.commit()

    browser, _u = as_user("officer", region="a")
    page = browser.get(f"/contracts/{contract.id}/households").get_data(as_text=True)
    assert "旧记录" in page and "Recorded before the rule" in page
    api, _u = api_as("officer", region="a")
    item = api.get(f"/api/v1/contracts/{contract.id}/households").get_json()["items"][0]
    assert item["recorded_before_rule"] is True and item["second_surveyor"] is None
    assert item["area"] is None and item["surveyor"] == "李强、张敏"
    # judged against the rural standard, as the record says no area
    assert flagged("income_above_standard") == {"旧记录"}


def test_the_anomaly_list_is_newest_first_and_scoped_whichever_way_it_is_read(
        db, regions, hh_contract, import_rows, make_user):
    # a county's list reads its flags by contract, the whole city's in index order: both
    # must give the same rows in the same order (the same ID number in both: duplicate flags)
    a, b = hh_contract(region="a"), hh_contract(region="b")
    import_rows(a, [{"id_number": hh_id(1), "head_name": "甲早", "survey_date": "2026-03-02"},
                    {"id_number": hh_id(2), "head_name": "甲晚", "survey_date": "2026-04-20"}])
    in_b = {"region_code": "100200101"}
    import_rows(b, [{"id_number": hh_id(1), "head_name": "乙早", "survey_date": "2026-03-02"}
                    | in_b,
                    {"id_number": hh_id(2), "head_name": "乙晚", "survey_date": "2026-04-20"}
                    | in_b])

    def names(user, **filters) -> list[str]:
        ids = db.session.scalars(anomalies.anomalies_stmt(user, **filters)).all()
        return [r.head_name for r in anomalies.records_by_id(ids)]

    city = make_user("officer", region="city")
    everything = names(city)
    assert set(everything) == {"甲早", "甲晚", "乙早", "乙晚"}
    assert everything[:2] in (["甲晚", "乙晚"], ["乙晚", "甲晚"])  # newest survey first
    assert names(make_user("officer", region="a")) == [n for n in everything if n[0] == "甲"]
    assert names(city, county=regions["b"]) == [n for n in everything if n[0] == "乙"]
    assert names(city, contract_id=a.id) == ["甲晚", "甲早"]
    assert names(make_user("officer", region="b"), contract_id=a.id) == []
