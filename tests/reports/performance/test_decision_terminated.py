"""Only an active, suspended or completed contract is decided: a decision recorded as another
officer terminates the contract read it active, and both stood — a terminated contract with a
standing decision its installment could then be paid on."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db as _db
from contracts.lifecycle import transition_contract
from contracts.models import Contract, ContractStatus
from reports.performance.decisions import record_payment_decision
from reports.performance.models import PaymentDecision
from tests.locks import first_held_while_the_second_waits
from tests.reports.money import reports_on_time


@pytest.fixture(autouse=True)
def late_2026():
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))


def test_a_decision_recorded_as_the_contract_is_terminated_is_refused(app, db, make_contract):
    contract = make_contract(status="active", targets={})
    reports_on_time(db, contract)
    contract_id = contract.id

    def terminate():
        transition_contract(_db.session.get(Contract, contract_id), "terminated", actor=None,
                            reason="严重违约")

    def decide():
        record_payment_decision(_db.session.get(Contract, contract_id), "2026",
                                decision="pay", renew=False, comment="按绩效支付", actor=None)

    outcomes = first_held_while_the_second_waits(app, terminate, decide)
    assert outcomes[0] is None and "not decided" in (outcomes[1] or ""), outcomes
    db.session.expire_all()
    assert db.session.get(Contract, contract_id).status is ContractStatus.TERMINATED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0
