"""The anomaly flags kept in ``household_flags``: the same records the rules find, refreshed
in the transaction of an import (also for the other contract of a shared ID number) and of a
standard's change, gone with a rollback, and recomputed by the nightly job and the CLI."""

from __future__ import annotations

import sqlalchemy as sa

from contracts.households import anomalies, standards
from contracts.households.flags import refresh_all
from contracts.households.models import HouseholdFlag, HouseholdRecord
from contracts.households.services import import_households
from tests.factories import hh_csv, hh_id, run_ok


def stored(db) -> set[tuple[str, str]]:
    db.session.expire_all()
    return set(db.session.execute(
        sa.select(HouseholdRecord.head_name, HouseholdFlag.kind)
        .join(HouseholdFlag, HouseholdFlag.record_id == HouseholdRecord.id)).all())


def computed(db) -> set[tuple[str, str]]:
    found = set()
    for kind in anomalies.ANOMALY_KINDS:
        names = db.session.scalars(sa.select(HouseholdRecord.head_name).where(
            HouseholdRecord.id.in_(anomalies.flagged_ids(kind))))
        found.update((name, kind) for name in names)
    return found


def _mixed(import_rows, hh_contract, regions):
    standards.save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="560",
                            asset_limit_per_person="20000", actor=None)
    first, second = hh_contract(), hh_contract()
    import_rows(first, [
        {"head_name": "高收入", "members": "1", "monthly_income": "5000"},
        {"head_name": "多资产", "members": "1", "monthly_income": "100", "assets": "90000"},
        {"head_name": "正常", "members": "3", "monthly_income": "900"},
        {"head_name": "重复甲", "id_number": hh_id(70)},
    ] + [{"head_name": f"忙{i}", "surveyor": "忙人"} for i in range(16)])
    import_rows(second, [{"head_name": "重复乙", "id_number": hh_id(70)}])
    return first, second


def test_the_stored_flags_are_the_flags_the_rules_find(db, regions, hh_contract, import_rows):
    _mixed(import_rows, hh_contract, regions)
    flags = stored(db)
    assert flags == computed(db)
    assert {("高收入", "income_above_standard"), ("多资产", "assets_above_limit"),
            ("忙0", "surveyor_overload"), ("重复甲", "duplicate_id"),
            ("重复乙", "duplicate_id")} <= flags
    assert not any(name == "正常" for name, _kind in flags)


def test_a_new_standard_flags_the_records_it_makes_anomalous(db, regions, hh_contract,
                                                            import_rows, as_user):
    contract = hh_contract()
    import_rows(contract, [{"head_name": "高收入", "members": "1", "monthly_income": "5000"}])
    browser, _u = as_user("officer", region="a")
    assert "高收入" not in browser.get("/households/anomalies").get_data(as_text=True)
    standards.save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="560",
                            actor=None)
    db.session.commit()
    assert ("高收入", "income_above_standard") in stored(db)
    assert "高收入" in browser.get("/households/anomalies").get_data(as_text=True)
    # a standard of another county changes nothing here
    standards.save_standard(region=regions["b"], year=2026, area="rural", dibao_monthly="9000",
                            actor=None)
    db.session.commit()
    assert stored(db) == computed(db) == {("高收入", "income_above_standard")}


def test_an_import_rolled_back_leaves_no_flag(db, hh_contract, import_rows):
    first = hh_contract()
    import_rows(first, [{"head_name": "重复甲", "id_number": hh_id(70)}])
    second = hh_contract()
    import_households(second, hh_csv([{"head_name": "重复乙", "id_number": hh_id(70)}]),
                      "households.csv", None)
    db.session.flush()
    db.session.rollback()
    assert stored(db) == set()


def test_the_nightly_job_and_the_cli_recompute_every_flag(app, db, runner, regions, hh_contract,
                                                          import_rows):
    _mixed(import_rows, hh_contract, regions)
    expected = stored(db)
    db.session.execute(sa.delete(HouseholdFlag))
    db.session.commit()
    run_ok(app, "contracts.refresh_household_flags")
    assert stored(db) == expected

    app.config["HOUSEHOLD_SURVEYOR_DAILY_MAX"] = 20   # the bureau raised the limit
    try:
        result = runner.invoke(args=["households", "refresh-flags"])
    finally:
        app.config.pop("HOUSEHOLD_SURVEYOR_DAILY_MAX")
    assert result.exit_code == 0 and "anomaly flags" in result.output
    assert stored(db) == {f for f in expected if f[1] != "surveyor_overload"}
    assert refresh_all() == len(expected)
