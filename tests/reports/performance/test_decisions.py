"""One decision per performance-linked installment (issue 13, point 2): a second is refused
with 409 until the first is revoked with a reason; both stay, audited; the total decided never
exceeds the installment."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.audit.models import AuditLog
from app.errors import Conflict, ValidationError
from app.extensions import db as _db
from app.users.models import User
from contracts import services
from contracts.models import Contract
from reports.performance.decisions import (
    active_decision,
    record_payment_decision,
    revoke_payment_decision,
)
from reports.performance.models import PaymentDecision
from reports.performance.services import contract_performance, linked_installment
from tests.factories import on
from tests.locks import first_held_while_the_second_waits
from tests.reports.money import VETO, finalized, reports_on_time
from tests.threads import read_then_act_at_once, the_one_that_won


@pytest.fixture(autouse=True)
def late_2026():
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))


@pytest.fixture
def contract(make_contract, make_user):
    make_user("inspector", region="a")
    return make_contract(status="active", targets={})


def _decide(contract, period, decision="pay", officer=None, **kwargs):
    return record_payment_decision(contract, period, decision=decision, renew=True,
                                   comment=kwargs.pop("comment", "按绩效支付"), actor=officer,
                                   **kwargs)


def _total_decided(db, contract) -> Decimal:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PaymentDecision.amount), 0))
                             .where(PaymentDecision.contract_id == contract.id,
                                    PaymentDecision.revoked_at.is_(None)))


def test_a_year_and_its_quarter_pay_out_of_one_installment_decided_once(db, contract):
    first = _decide(contract, "2026")
    db.session.commit()
    assert first.installment_id == linked_installment(contract).id
    with pytest.raises(Conflict) as refused:
        _decide(contract, "2026-Q3")
    assert "decision" in refused.value.fields and "2026" in refused.value.message
    with pytest.raises(Conflict):
        _decide(contract, "2026", decision="withhold")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 1
    assert _total_decided(db, contract) <= linked_installment(contract).amount


def test_revoked_with_a_reason_then_decided_again_both_kept_and_audited(db, contract,
                                                                       make_user):
    reports_on_time(db, contract)  # graded: a reduction is of what the grade gives
    officer = make_user("officer", region="a")
    first = _decide(contract, "2026", officer=officer)
    db.session.commit()
    with pytest.raises(ValidationError) as no_reason:
        revoke_payment_decision(first, reason="  ", actor=officer)
    assert "reason" in no_reason.value.fields
    revoke_payment_decision(first, reason="复核发现检查结果有误", actor=officer)
    second = _decide(contract, "2026-Q4", decision="reduce", amount="1000.00",
                     officer=officer)
    db.session.commit()
    assert active_decision(contract).id == second.id
    rows = db.session.scalars(sa.select(PaymentDecision).order_by(PaymentDecision.id)).all()
    assert [(r.id, r.is_active) for r in rows] == [(first.id, False), (second.id, True)]
    assert rows[0].revoke_reason == "复核发现检查结果有误"
    assert rows[0].revoked_by_id == officer.id
    trail = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "payment_decisions").order_by(AuditLog.id)).all()
    assert [(t.action, t.object_id) for t in trail][-3:] == [
        ("create", str(first.id)), ("update", str(first.id)), ("create", str(second.id))]
    assert trail[-2].changes["revoke_reason"] == ["", "复核发现检查结果有误"]
    assert _total_decided(db, contract) == Decimal("1000.00")
    with pytest.raises(Conflict):
        revoke_payment_decision(first, reason="again", actor=officer)


def test_two_officers_revoking_at_once_revoke_it_once(app, db, contract, make_user):
    decision_id = _decide(contract, "2026").id
    db.session.commit()
    officers = [make_user("officer", region="a").id, make_user("officer", region="a").id]

    def revoke_by(officer_id):
        return lambda row: revoke_payment_decision(row, reason=f"revoked by {officer_id}",
                                                   actor=_db.session.get(User, officer_id))

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(PaymentDecision, decision_id),
                                     *map(revoke_by, officers))
    winner = officers[the_one_that_won(outcomes, "already revoked")]
    db.session.expire_all()
    revoked = db.session.get(PaymentDecision, decision_id)
    assert revoked.revoked_by_id == winner and revoked.revoke_reason == f"revoked by {winner}"


def test_an_amendment_lowering_the_amount_as_a_decision_is_recorded_waits_for_it(app, db,
                                                                               contract):
    """The decision pays the whole ¥60,000 installment; the amendment would make it ¥30,000.
    It read no standing decision (not yet committed), and the decision had read the ¥60,000
    installment: both stood, the decision above its installment. The amendment now waits for
    the decision and is refused, as it is a moment later."""
    reports_on_time(db, contract)  # graded: the decision pays what the grade gives
    contract_id = contract.id

    def decide():
        _decide(_db.session.get(Contract, contract_id), "2026")

    def amend():
        services.amend_contract(_db.session.get(Contract, contract_id), reason="核减预算",
                                amount="60000.00", actor=None)

    outcomes = first_held_while_the_second_waits(app, decide, amend)
    assert outcomes[0] is None and "revoke the decision first" in outcomes[1], outcomes
    db.session.expire_all()
    stored = db.session.get(Contract, contract_id)
    assert stored.amount == Decimal("120000.00")
    assert active_decision(stored).amount == linked_installment(stored).amount == Decimal(
        "60000.00")


def test_a_reduced_amount_stays_below_the_installment(db, contract):
    linked = linked_installment(contract).amount
    for amount in (str(linked), str(linked + 1), "-1", "12.345", "abc", "NaN"):
        with pytest.raises(ValidationError) as refused:
            _decide(contract, "2026", decision="reduce", amount=amount)
        assert "amount" in refused.value.fields, amount
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0


def test_the_database_refuses_two_standing_decisions_on_one_installment(db, contract):
    first = _decide(contract, "2026")
    db.session.commit()
    twin = PaymentDecision(contract_id=contract.id, installment_id=first.installment_id,
                           period="2026-Q1", decision="pay", amount=Decimal(1), renew=True,
                           comment="x")
    db.session.add(twin)
    with pytest.raises(Conflict):  # the unique index refuses; app.integrity words it as 409
        db.session.flush()
    db.session.rollback()


def test_api_second_decision_is_409_until_revoked(db, contract, api_as):
    officer, _ = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/payment-decision"
    body = {"period": "2026", "decision": "pay", "renew": True, "comment": "全额"}
    first = officer.post(url, json=body)
    assert first.status_code == 201, first.get_json()
    decision = first.get_json()
    assert decision["status"] == "active" and decision["pending"] is False
    again = officer.post(url, json=body | {"period": "2026-Q2"})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"
    revoke = f"/api/v1/payment-decisions/{decision['id']}/revoke"
    assert officer.post(revoke, json={"reason": ""}).status_code == 422
    revoked = officer.post(revoke, json={"reason": "更正检查结果"})
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert officer.post(revoke, json={"reason": "x"}).status_code == 409
    assert officer.post(url, json=body | {"decision": "withhold"}).status_code == 201
    history = officer.get(f"/api/v1/contracts/{contract.id}/payment-decisions").get_json()
    assert [d["status"] for d in history["items"]] == ["active", "revoked"]
    perf = officer.get(f"/api/v1/contracts/{contract.id}/performance?period=2026").get_json()
    assert perf["decision"]["decision"] == "withhold"


def test_the_decisions_of_a_contract_are_a_list_like_the_others(db, contract, api_as):
    officer, _ = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/payment-decision"
    first = officer.post(url, json={"period": "2026", "decision": "pay", "renew": True,
                                    "comment": "全额"}).get_json()
    officer.post(f"/api/v1/payment-decisions/{first['id']}/revoke", json={"reason": "更正"})
    officer.post(url, json={"period": "2026", "decision": "withhold", "renew": False,
                            "comment": "扣留"})
    listed = f"/api/v1/contracts/{contract.id}/payment-decisions?per_page=1"
    body = officer.get(listed).get_json()
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 1)
    assert [d["status"] for d in body["items"]] == ["active"]
    assert [d["status"] for d in officer.get(listed + "&page=2").get_json()["items"]] == [
        "revoked"]


def test_api_decisions_are_hidden_from_others(db, contract, api_as):
    decision = _decide(contract, "2026")
    db.session.commit()
    outside, _ = api_as("officer", region="b")
    assert outside.get(f"/api/v1/payment-decisions/{decision.id}").status_code == 404
    assert outside.post(f"/api/v1/payment-decisions/{decision.id}/revoke",
                        json={"reason": "x"}).status_code == 404
    stranger, _ = api_as("provider")
    assert stranger.get(f"/api/v1/payment-decisions/{decision.id}").status_code == 404
    own, _ = api_as("provider", provider=contract.provider)
    assert own.get(f"/api/v1/payment-decisions/{decision.id}").status_code == 200
    assert own.post(f"/api/v1/payment-decisions/{decision.id}/revoke",
                    json={"reason": "x"}).status_code == 403
    assert own.post(f"/api/v1/contracts/{contract.id}/payment-decision",
                    json={"decision": "pay", "renew": True, "comment": "x"}).status_code == 403
    assert active_decision(contract).id == decision.id
    bad = api_as("officer", region="a")[0].post(
        f"/api/v1/contracts/{contract.id}/payment-decision",
        json={"decision": "reduce", "renew": True, "comment": "x", "amount": "1e400"})
    assert bad.status_code == 422 and "amount" in bad.get_json()["error"]["fields"]


def test_pages_refuse_the_second_decision_then_revoke_and_decide(db, contract, as_user):
    browser, _ = as_user("officer", region="a")
    url = f"/reports/contracts/{contract.id}/performance?period=2026"
    browser.get(url)
    assert browser.post(url, {"decision": "withhold", "comment": "暂缓"}).status_code == 302
    q3 = f"/reports/contracts/{contract.id}/performance?period=2026-Q3"
    refused = browser.post(q3, {"decision": "pay", "comment": "再次决定"})
    assert refused.status_code == 409
    assert "already decided" in refused.get_data(as_text=True)
    decision = active_decision(contract)
    page = browser.get(q3).get_data(as_text=True)
    assert "Revoke the decision" in page and 'name="comment"' not in page
    revoke = f"/reports/payment-decisions/{decision.id}/revoke?period=2026-Q3"
    assert browser.post(revoke, {"reason": ""}).status_code == 422
    assert browser.post(revoke, {"reason": "数据更正"}).status_code == 302
    page = browser.get(q3).get_data(as_text=True)
    assert "Revoked decisions" in page and "数据更正" in page and 'name="comment"' in page
    assert browser.post(q3, {"decision": "pay", "comment": "复核后支付"}).status_code == 302
    assert active_decision(contract).period == "2026-Q3"


def test_a_provider_page_reads_but_revokes_nothing(db, contract, as_user):
    decision = _decide(contract, "2026")
    db.session.commit()
    browser, _ = as_user("provider", provider=contract.provider)
    page = browser.get(f"/reports/contracts/{contract.id}/performance").get_data(as_text=True)
    assert "Appeal this decision" in page and "Revoke the decision" not in page
    browser.get("/")
    response = browser.post(f"/reports/payment-decisions/{decision.id}/revoke",
                            {"reason": "自己撤销"})
    assert response.status_code == 403
    assert active_decision(contract).id == decision.id


def test_a_contract_without_a_linked_installment_cannot_be_decided(db, contract):
    linked_installment(contract).performance_linked = False
    db.session.flush()
    with pytest.raises(ValidationError) as refused:
        _decide(contract, "2026")
    assert "decision" in refused.value.fields
    assert date(2026, 12, 20) == clock.today()


def test_the_decision_history_is_hidden_from_other_providers(db, contract, api_as):
    _decide(contract, "2026")
    db.session.commit()
    stranger, _ = api_as("provider")
    assert stranger.get(f"/api/v1/contracts/{contract.id}/payment-decisions").status_code == 404
    own, _ = api_as("provider", provider=contract.provider)
    assert len(own.get(f"/api/v1/contracts/{contract.id}/payment-decisions"
                       ).get_json()["items"]) == 1


def test_a_period_without_a_grade_is_not_paid(db, inspection_world, schedule):
    """On 2026-06-15 the year has failed its veto and 2026-Q4 has not begun: "pay" or
    "reduce" on the quarter had nothing to go by and paid the whole installment."""
    w = inspection_world
    finalized(db, w, schedule, failed=(VETO,), day=date(2026, 5, 10))
    on(date(2026, 6, 15))
    assert contract_performance(w.contract, "2026").grade == "fail"
    assert contract_performance(w.contract, "2026-Q4").grade is None
    for decision, amount in (("pay", None), ("reduce", "1000.00")):
        with pytest.raises(ValidationError) as refused:
            _decide(w.contract, "2026-Q4", decision=decision, amount=amount, officer=w.officer)
        assert "no grade yet" in refused.value.fields["period"][0]
        assert "decision" in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0
    assert _decide(w.contract, "2026-Q4", decision="withhold", officer=w.officer).amount == 0


def test_an_amendment_below_the_standing_decision_is_refused(db, contract, make_user):
    """The standing decision never exceeds its installment: lowering the amount under it is
    refused until the decision is revoked."""
    reports_on_time(db, contract)  # graded: a reduction is of what the grade gives
    officer = make_user("officer", region="a")
    _decide(contract, "2026", decision="reduce", amount="55000.00", officer=officer)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        services.amend_contract(contract, reason="预算调减", actor=officer, amount="80000.00")
    assert "55000.00" in refused.value.fields["amount"][0]
    assert "40000.00" in refused.value.fields["amount"][0]
    _db.session.rollback()
    assert db.session.get(Contract, contract.id).version == 1
    services.amend_contract(contract, reason="预算调减", actor=officer, amount="110000.00")
    assert linked_installment(contract).amount == Decimal("55000.00")


@pytest.mark.parametrize("status", ["draft", "terminated"])
def test_only_a_running_or_completed_contract_is_decided(db, make_contract, api_as, status):
    """A draft was neither signed nor run: its decision blocked the real one and dangled when
    the draft's schedule was replaced."""
    contract = make_contract(status=status, targets={})
    api, _ = api_as("officer", region="a")
    response = api.post(f"/api/v1/contracts/{contract.id}/payment-decision",
                        json={"decision": "pay", "renew": True, "comment": "按绩效支付",
                              "period": "2026"})
    assert response.status_code == 409, response.get_json()
    assert "is not decided" in response.get_json()["error"]["fields"]["decision"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentDecision)) == 0
