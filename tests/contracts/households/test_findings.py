"""What a contract's spot checks found, over all of them (contracts/households/findings.py):
the performance figures count finished spot checks only, and a record sampled again by a
re-check counts once, as last found."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contracts.households import findings, spot_checks
from reports.performance.services import contract_performance


@pytest.fixture
def surveyed(db, hh_contract, import_rows):
    """An active contract with 100 records in 2026-03, none flagged (one surveyor a day)."""
    contract = hh_contract(weights={"inspection": 100, "timeliness": 0, "targets": 0},
                           targets={"households": 100})
    import_rows(contract, [{"surveyor": f"调查员{i % 5}", "survey_date":
                            f"2026-03-{1 + i // 5:02d}"} for i in range(100)])
    return contract


def _record(items, inspector, discrepant: int) -> None:
    """The first ``discrepant`` of ``items`` found wrong, the rest confirmed."""
    for n, item in enumerate(items):
        if n < discrepant:
            spot_checks.record_result(item, actor=inspector, result="discrepant",
                                      field="members", finding="实际4人")
        else:
            spot_checks.record_result(item, actor=inspector, result="confirmed")


def test_the_figures_count_a_spot_check_once_it_is_finished(db, surveyed, make_user, api_as):
    inspector = make_user("inspector", region="a")
    check = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=None, seed=7)
    _record(check.items[:10], inspector, discrepant=3)
    db.session.commit()
    provider_api, _provider = api_as("provider", provider=surveyed.provider)
    url = f"/api/v1/contracts/{surveyed.id}/performance?period=2026"

    # under way: the provider is not shown the spot check, nor a rate drawn from it
    under_way = provider_api.get(url).get_json()
    assert under_way["details"]["agreement_rate"] is None
    assert under_way["details"]["agreement_periods"] == []
    assert contract_performance(surveyed, "2026").details["agreement_rate"] is None

    _record(check.items[10:], inspector, discrepant=0)  # the check is finished
    db.session.commit()
    done = provider_api.get(url).get_json()
    assert done["details"]["agreement_periods"] == ["2026-03"]
    assert done["details"]["agreement_rate"] == 90.0  # 27 of 30 confirmed


def test_a_record_sampled_again_by_a_re_check_counts_once_as_last_found(db, surveyed,
                                                                        make_user):
    inspector = make_user("inspector", region="a")
    first = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=None, seed=7, percent=100)
    _record(first.items, inspector, discrepant=20)  # 80 of 100 confirmed
    assert findings.agreement_rates(surveyed, ["2026-03"]) == {"2026-03": Decimal("0.8000")}
    assert findings.records_not_found_wrong(surveyed, date(2026, 3, 1),
                                            date(2026, 3, 31)) == 80

    # the provider corrected its records and the bureau checked every one again: all right
    again = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=None, seed=8, percent=100)
    assert {i.record_id for i in again.items} == {i.record_id for i in first.items}
    _record(again.items, inspector, discrepant=0)
    db.session.commit()
    # 180 of 200 findings would be 0.9: each record counts once, as last found
    assert findings.agreement_rates(surveyed, ["2026-03"]) == {"2026-03": Decimal("1.0000")}
    assert findings.agreement_rate(surveyed, "2026-03") == Decimal("1.0000")
    assert findings.records_not_found_wrong(surveyed, date(2026, 3, 1),
                                            date(2026, 3, 31)) == 100
    assert contract_performance(surveyed, "2026").details["agreement_rate"] == Decimal(100)
