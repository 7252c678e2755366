"""A performance card's code names the money it printed: the performance-linked installment
and the amount the grade allows. An amendment of the contract's amount changes both on the
card; /verify went on calling the old card current."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock
from contracts import services
from reports.performance.decisions import active_decision
from reports.performance.services import contract_performance
from reports.scorecards.models import PerformanceCard
from reports.scorecards.services import fingerprint
from tests.reports.money import pdf_text, reports_on_time


@pytest.fixture
def contract(db, make_contract, make_user):
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    make_user("officer", region="a")
    contract = make_contract(status="active", targets={})
    reports_on_time(db, contract)
    return contract


def test_an_amended_amount_makes_the_printed_card_stale(contract, api_as, client, db):
    api, officer = api_as("officer", region="a")
    first = pdf_text(api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026").data)
    old = db.session.scalars(sa.select(PerformanceCard)).one().code
    assert old in first and "60,000.00" in first.replace("¥", "")
    services.amend_contract(contract, reason="追加服务内容", actor=officer,
                            amount="150000.00")
    db.session.commit()
    page = client.get(f"/reports/verify/{old}").get_data(as_text=True)
    assert "its figures have changed since it was printed" in page
    text = pdf_text(api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026").data)
    assert old not in text


def test_a_card_issued_before_the_amounts_counted_stays_current_until_amended(
        contract, api_as, client, db):
    api, officer = api_as("officer", region="a")
    api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026")
    card = db.session.scalars(sa.select(PerformanceCard)).one()
    card.fingerprint = fingerprint(contract, contract_performance(contract, "2026"),
                                   active_decision(contract), [], legacy=True)
    db.session.commit()
    current = "its figures are still current"
    assert current in client.get(f"/reports/verify/{card.code}").get_data(as_text=True)
    clock.set_clock(lambda: datetime(2026, 12, 21, 4, 0, tzinfo=UTC))
    services.amend_contract(contract, reason="追加服务内容", actor=officer,
                            amount="150000.00")
    db.session.commit()
    assert current not in client.get(f"/reports/verify/{card.code}").get_data(as_text=True)
