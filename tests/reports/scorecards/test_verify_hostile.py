"""/verify is public: whatever code it is given, and whatever became of the contract since a
card was printed, it answers a page, never a server error."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock
from contracts import services
from reports.scorecards.models import PerformanceCard


@pytest.mark.parametrize("code", ["x" * 5000, "%F0%9F%98%80", "<script>"])
def test_a_hostile_code_is_not_found(client, db, code):
    response = client.get(f"/reports/verify/{code}")
    assert response.status_code == 404


def test_a_card_of_a_period_the_contract_no_longer_runs_in_is_not_current(
        db, make_contract, make_user, api_as, client):
    clock.set_clock(lambda: datetime(2026, 6, 20, 4, 0, tzinfo=UTC))
    make_user("officer", region="a")
    contract = make_contract(status="active", targets={})
    api, officer = api_as("officer", region="a")
    assert api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026-Q4"
                   ).status_code == 200
    code = db.session.scalars(sa.select(PerformanceCard)).one().code
    services.amend_contract(contract, reason="提前结束服务", actor=officer,
                            end_date="2026-09-30")
    db.session.commit()
    response = client.get(f"/reports/verify/{code}")
    assert response.status_code == 200
    assert "its figures have changed since it was printed" in response.get_data(as_text=True)


def test_an_inspection_not_finalized_shows_no_date_nor_home(client, db, schedule,
                                                             inspection_world):
    """No scorecard is issued before finalization: the page must not announce when, or
    where, a visit is planned (an unannounced visit would lose its point)."""
    inspection = schedule()
    response = client.get(f"/reports/verify/{inspection.verification_code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "not finalized yet" in page
    assert "2026-11-10" not in page
    assert inspection_world.facility.name not in page


def test_a_cancelled_inspection_says_so_and_no_more(client, db, schedule, inspection_world):
    from evaluations.inspections.assignment import cancel_inspection

    inspection = schedule()
    cancel_inspection(inspection, reason="不再需要", actor=inspection_world.officer)
    db.session.commit()
    page = client.get(f"/reports/verify/{inspection.verification_code}").get_data(as_text=True)
    assert "which was cancelled: no scorecard was issued" in page
    assert "2026-11-10" not in page and "不再需要" not in page
