"""Spot checks to the local rule: 30 % of each surveyor's records, staff relatives and flagged
households on top, reproducible from the stored seed, never below the floor; the Wilson
interval and the sample-size helper against hand-computed values; target attainment counting
only records not found wrong."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import ValidationError
from contracts.households import findings, sampling, spot_checks
from contracts.households.models import HouseholdRecord, SelectedAs, SpotCheckPolicy
from reports.performance.services import contract_performance

# ---- pure statistics --------------------------------------------------------------------------


@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    # 19 of 20: p = .95, z² = 3.8415; centre (.95 + .09604) / 1.19207 = .87749,
    # half 1.95996 / 1.19207 × √(.002375 + .002401) = .11362 → .7639 … .9911
    (19, 20, "0.7639", "0.9911"),
    # 0 of 10: the interval still has width: 0 … z² / (n + z²) = 3.8415 / 13.8415 = .2775
    (0, 10, "0.0000", "0.2775"),
    (10, 10, "0.7225", "1.0000"),
    # 95 of 100 (a textbook example: .8882 … .9785)
    (95, 100, "0.8882", "0.9785"),
])
def test_wilson_interval_matches_hand_computed_bounds(successes, trials, low, high):
    assert sampling.wilson_interval(successes, trials) == (Decimal(low), Decimal(high))


def test_wilson_interval_without_trials_is_unknown():
    assert sampling.wilson_interval(0, 0) == (None, None)


@pytest.mark.parametrize(("population", "margin", "expected", "size"), [
    # n0 = 1.95996² × .25 / .05² = 384.15; 384.15 / (1 + 383.15 / 1000) = 277.7 → 278
    (1000, 0.05, 0.5, 278),
    (100_000, 0.05, 0.5, 383),  # the correction hardly matters for a large population
    (300, 0.05, 0.5, 169),  # 384.15 / (1 + 383.15 / 300) = 168.7 → 169
    (20, 0.05, 0.5, 20),  # never more than the population
    (1000, 0.05, 0.9, 122),  # n0 = 138.3 → 138.3 / 1.1373 = 121.6 → 122
])
def test_sample_size_for_a_margin_with_the_finite_population_correction(
        population, margin, expected, size):
    assert sampling.size_for_margin(population, margin, expected) == size


def test_stratified_sample_takes_a_rounded_up_share_of_every_stratum_reproducibly():
    strata = {"甲": list(range(1, 11)), "乙": list(range(11, 14)), "丙": [14]}

    drawn = sampling.stratified_sample(strata, seed=3, percent=30)

    by_stratum = {key: [i for i in drawn if i in ids] for key, ids in strata.items()}
    assert {key: len(ids) for key, ids in by_stratum.items()} == {"甲": 3, "乙": 1, "丙": 1}
    assert sampling.stratified_sample(strata, seed=3, percent=30) == drawn
    assert sampling.stratified_sample(dict(reversed(strata.items())), 3, 30) == drawn
    assert len(sampling.stratified_sample(strata, seed=3, percent=30, minimum=8)) == 8


# ---- the draw ---------------------------------------------------------------------------------

@pytest.fixture
def period_records(db, hh_contract, import_rows, regions):
    """30 records of 2026-03: 李强 20 (one a staff relative), 王芳 7, 赵敏 3; one of 王芳's
    recommended dibao with an income far above the standard (flagged)."""
    from contracts.households.standards import save_standard

    save_standard(region=regions["a"], year=2026, area="rural", dibao_monthly="600", actor=None)
    contract = hh_contract()
    rows = [{"surveyor": "李强", "survey_date": f"2026-03-{1 + i:02d}"} for i in range(20)]
    rows[5]["staff_relative"] = "是"
    rows += [{"surveyor": "王芳", "survey_date": f"2026-03-{1 + i:02d}"} for i in range(7)]
    rows[22]["monthly_income"] = "6000"
    rows += [{"surveyor": "赵敏", "survey_date": f"2026-03-{1 + i:02d}"} for i in range(3)]
    import_rows(contract, rows)
    return contract


def test_thirty_percent_of_each_surveyor_with_forced_inclusions_on_top(db, period_records,
                                                                       make_user):
    inspector = make_user("inspector", region="a")
    relative = db.session.scalar(sa.select(HouseholdRecord.id).where(
        HouseholdRecord.staff_relative.is_(True)))
    flagged = db.session.scalar(sa.select(HouseholdRecord.id).where(
        HouseholdRecord.monthly_income == Decimal("6000")))

    check = spot_checks.draw_spot_check(period_records, period="2026-03", inspector=inspector,
                                        actor=None, seed=11, minimum=0)

    reasons = {item.record_id: item.selected_as for item in check.items}
    assert reasons[relative] is SelectedAs.STAFF_RELATIVE
    assert reasons[flagged] is SelectedAs.FLAGGED
    strata: dict[str, list[int]] = {}
    for record_id, surveyor in db.session.execute(sa.select(HouseholdRecord.id,
                                                            HouseholdRecord.surveyor)):
        strata.setdefault(surveyor, []).append(record_id)
    drawn = sampling.stratified_sample(strata, seed=11, percent=30)
    # 30 % rounded up of 20, 7 and 3: 6, 3 and 1, so every surveyor is sampled ...
    assert {name: sum(1 for i in drawn if i in ids) for name, ids in strata.items()} == {
        "李强": 6, "王芳": 3, "赵敏": 1}
    # ... and the staff relative and the flagged household on top
    assert set(reasons) == set(drawn) | {relative, flagged}
    assert check.size == len(reasons) and check.population == 30
    assert check.method.value == "stratified"


def test_the_stored_seed_repeats_the_draw_and_another_seed_does_not(db, period_records,
                                                                    make_user):
    inspector = make_user("inspector", region="a")
    first = spot_checks.draw_spot_check(period_records, period="2026-03", inspector=inspector,
                                        actor=None, seed=2026)
    db.session.commit()
    drawn = sorted(item.record_id for item in first.items)

    assert sorted(spot_checks.redraw(first)) == drawn
    # another check of the period waits for this one's end: the draws themselves compared
    def draw(seed: int) -> list[int]:
        return sorted(spot_checks.draw_sample(period_records.id, "2026-03", seed,
                                              first.percent, first.minimum))

    assert draw(2026) == drawn
    assert any(draw(s) != drawn for s in (1, 2, 3))


def test_the_share_is_never_below_the_floor_and_a_contract_may_check_more(
        app, db, period_records, make_user, monkeypatch):
    inspector, officer = make_user("inspector", region="a"), make_user("officer", region="a")
    with pytest.raises(ValidationError) as refused:
        spot_checks.draw_spot_check(period_records, period="2026-03", inspector=inspector,
                                    actor=officer, percent=10)
    assert "from 30 (the floor)" in refused.value.fields["percent"][0]
    with pytest.raises(ValidationError):
        spot_checks.set_contract_percent(period_records, 20, actor=officer)

    spot_checks.set_contract_percent(period_records, 50, actor=officer)
    check = spot_checks.draw_spot_check(period_records, period="2026-03", inspector=inspector,
                                        actor=officer, seed=5, minimum=0)
    assert check.percent == 50
    random_count = sum(1 for i in check.items if i.selected_as is SelectedAs.RANDOM)
    assert random_count >= 10 + 4 + 2 - 2  # half of 20, 7, 3 rounded up, less forced ones
    assert db.session.scalar(sa.select(SpotCheckPolicy.percent)) == 50
    monkeypatch.setitem(app.config, "SPOT_CHECK_FLOOR_PERCENT", 60)
    assert spot_checks.contract_percent(period_records) == 60  # the floor wins


# ---- target attainment ------------------------------------------------------------------------

def test_target_attainment_counts_only_records_not_found_wrong(db, period_records, make_user):
    inspector = make_user("inspector", region="a")
    period_records.targets = {"households": 1200}
    db.session.commit()
    before = contract_performance(period_records, "2026-Q1", today=date(2026, 6, 30))
    check = spot_checks.draw_spot_check(period_records, period="2026-03", inspector=inspector,
                                        actor=None, seed=1)
    first, second, *rest = check.items
    for item in (first, second):
        spot_checks.record_result(item, actor=inspector, result="discrepant", field="members",
                                  finding="2, not 3")
    for item in rest[:-1]:
        spot_checks.record_result(item, actor=inspector, result="confirmed")
    pending = contract_performance(period_records, "2026-Q1", today=date(2026, 6, 30))
    spot_checks.record_result(rest[-1], actor=inspector, result="confirmed")
    done = contract_performance(period_records, "2026-Q1", today=date(2026, 6, 30))

    assert before.details["targets"]["achieved"] == 30
    assert pending.details["targets"]["achieved"] == 30  # not finished: nothing found yet
    assert done.details["targets"]["achieved"] == 28
    assert done.targets < before.targets
    assert findings.records_not_found_wrong(period_records, date(2026, 3, 1),
                                               date(2026, 3, 31)) == 28


# ---- the helper, the policy and the statistics through both doors ----------------------------

def test_sample_size_helper_on_the_page_and_through_the_api(db, period_records, as_user,
                                                            api_as):
    browser, _u = as_user("officer", region="a")
    url = f"/contracts/{period_records.id}/spot-checks"
    page = browser.get(url + "?margin=5&expected=50&population=1000").get_data(as_text=True)
    assert "Check 278 of 1000 records for ± 5 % at 95 % confidence." in page
    bad = browser.get(url + "?margin=abc&expected=50&population=1000")
    assert bad.status_code == 200 and "Check " not in bad.get_data(as_text=True)

    api, _u = api_as("officer", region="a")
    body = api.get(f"/api/v1/contracts/{period_records.id}/spot-checks/sample-size"
                   "?margin=0.05").get_json()
    # 30 records: 384.15 / (1 + 383.15 / 30) = 27.9 → 28
    assert body == {"period": "2026-03", "population": 30, "margin": 0.05, "expected": 0.5,
                    "confidence": 0.95, "size": 28}
    assert api.get(f"/api/v1/contracts/{period_records.id}/spot-checks/sample-size"
                   "?margin=2").status_code == 422
    other, _u = api_as("officer", region="b")
    assert other.get(f"/api/v1/contracts/{period_records.id}/spot-checks/sample-size"
                     ).status_code == 404


def test_policy_through_the_page_and_the_api(db, period_records, as_user, api_as):
    browser, _u = as_user("officer", region="a")
    url = f"/contracts/{period_records.id}/spot-checks/policy"
    refused = browser.post(url, {"percent": "10"})
    assert refused.status_code == 422 and "from 30 (the floor)" in refused.get_data(as_text=True)
    assert browser.post(url, {"percent": "40"}).status_code == 303
    api, _u = api_as("officer", region="a")
    policy_url = f"/api/v1/contracts/{period_records.id}/spot-check-policy"
    assert api.get(policy_url).get_json() == {"percent": 40, "floor": 30}
    assert api.put(policy_url, json={"percent": 20}).status_code == 422
    assert api.put(policy_url, json={"percent": 35}).get_json() == {"percent": 35, "floor": 30}
    other, _u = api_as("officer", region="b")
    assert other.put(policy_url, json={"percent": 90}).status_code == 404
    provider, _u = as_user("provider", provider=period_records.provider)
    assert provider.post(url, {"percent": "90"}).status_code == 403
    assert spot_checks.contract_percent(period_records) == 35


def test_detail_page_shows_strata_reasons_and_the_interval(db, period_records, as_user,
                                                           make_user):
    browser, inspector = as_user("inspector", region="a")
    check = spot_checks.draw_spot_check(period_records, period="2026-03", inspector=inspector,
                                        actor=None, seed=4)
    for item in check.items:
        spot_checks.record_result(item, actor=inspector, result="confirmed")
    db.session.commit()
    page = browser.get(f"/spot-checks/{check.id}").get_data(as_text=True)
    assert "Relative of staff: always re-checked" in page
    assert "Flagged: always re-checked" in page
    n = check.size
    low, high = sampling.wilson_interval(n, n)
    assert "100.0% <span" in page and f"{low * 100:.1f}–100.0%" in page and high == 1
