"""Appeals of a payment decision: lodged within the window, resolved by a revised decision that
replaces the appealed one (both kept), or upheld; the performance PDF notes them."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from reports.appeals.models import Appeal
from reports.performance.decisions import active_decision, record_payment_decision
from reports.performance.models import PaymentDecision
from tests.factories import notices
from tests.reports.money import pdf_text, reports_on_time

DECIDED = datetime(2026, 12, 20, 4, 0, tzinfo=UTC)


@pytest.fixture
def decided(db, make_contract, make_user):
    clock.set_clock(lambda: DECIDED)
    officer = make_user("officer", region="a")
    contract = make_contract(status="active", targets={})
    reports_on_time(db, contract)  # graded: a revision may pay or reduce what it gives
    provider_user = make_user("provider", provider=contract.provider)
    decision = record_payment_decision(contract, "2026", decision="withhold", renew=False,
                                       comment="报告迟交过多", actor=officer)
    db.session.commit()
    return contract, decision, officer, provider_user


def _lodge(api, decision_id):
    return api.post(f"/api/v1/payment-decisions/{decision_id}/appeals",
                    json={"reason": "迟交系系统故障所致", "evidence": "系统故障通报"})


def test_the_provider_appeals_a_decision_and_a_revised_one_replaces_it(decided, api_login,
                                                                      db):
    contract, decision, officer, provider_user = decided
    lodged = _lodge(api_login(provider_user), decision.id)
    assert lodged.status_code == 201, lodged.get_json()
    appeal = lodged.get_json()
    assert appeal["payment_decision_id"] == decision.id and appeal["status"] == "open"
    assert notices(db, officer, kind="appeal_opened")
    api = api_login(officer)
    url = f"/api/v1/appeals/{appeal['id']}/resolve"
    missing = api.post(url, json={"outcome": "corrected", "reason": "情况属实"})
    assert missing.status_code == 422
    assert "revised_decision" in missing.get_json()["error"]["fields"]
    too_much = api.post(url, json={"outcome": "corrected", "reason": "情况属实",
                                   "revised_decision": {"decision": "reduce", "renew": True,
                                                        "amount": "99999999.00"}})
    assert too_much.status_code == 422
    assert "revised_decision.amount" in too_much.get_json()["error"]["fields"]
    assert active_decision(contract).id == decision.id  # nothing changed
    done = api.post(url, json={"outcome": "corrected", "reason": "情况属实，改为全额支付",
                               "revised_decision": {"decision": "pay", "renew": True}})
    assert done.status_code == 200, done.get_json()
    revised_id = done.get_json()["revised_decision_id"]
    db.session.expire_all()
    old, new = db.session.get(PaymentDecision, decision.id), active_decision(contract)
    assert new.id == revised_id and new.decision.value == "pay" and new.renew is True
    assert old.revoked_at is not None and f"#{appeal['id']}" in old.revoke_reason
    assert "情况属实，改为全额支付" in new.comment
    assert notices(db, provider_user, kind="appeal_resolved")
    text = pdf_text(api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026").data)
    assert f"Appeal #{appeal['id']}" in text and f"revised decision #{revised_id}" in text


def test_a_decision_is_appealed_once_within_the_window_and_not_once_revoked(decided,
                                                                           api_login, db):
    contract, decision, officer, provider_user = decided
    clock.set_clock(lambda: DECIDED + timedelta(days=11))
    late = _lodge(api_login(provider_user), decision.id)
    assert late.status_code == 409  # the window closed on the 30th
    assert "2026-12-30" in late.get_json()["error"]["message"]
    clock.set_clock(lambda: DECIDED + timedelta(days=10))
    own = api_login(provider_user)
    assert _lodge(own, decision.id).status_code == 201
    assert _lodge(own, decision.id).status_code == 409
    decision.revoked_at = clock.now()
    decision.revoke_reason = "复核"
    db.session.commit()
    second = record_payment_decision(contract, "2026", decision="pay", renew=True,
                                     comment="重新决定", actor=officer)
    db.session.commit()
    assert _lodge(own, second.id).status_code == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 2


def test_others_cannot_appeal_or_see_the_decision(decided, api_as, api_login):
    contract, decision, officer, _ = decided
    stranger, _ = api_as("provider")
    assert _lodge(stranger, decision.id).status_code == 404
    assert _lodge(api_login(officer), decision.id).status_code == 403
    assert date(2026, 12, 20) == clock.today()


def test_the_pages_appeal_a_decision_and_resolve_it_with_a_revision(decided, as_user, db):
    contract, decision, officer, provider_user = decided
    browser, _ = as_user("provider", provider=contract.provider)
    page = browser.get(f"/reports/contracts/{contract.id}/performance?period=2026"
                       ).get_data(as_text=True)
    assert f"/reports/payment-decisions/{decision.id}/appeal" in page
    browser.get(f"/reports/payment-decisions/{decision.id}/appeal")
    assert browser.post(f"/reports/payment-decisions/{decision.id}/appeal",
                        {"reason": "迟交系系统故障"}).status_code == 302
    appeal = db.session.scalars(sa.select(Appeal)).one()
    reviewer, _ = as_user("officer", region="a")
    page = reviewer.get(f"/reports/appeals/{appeal.id}").get_data(as_text=True)
    assert "Revised decision (when corrected)" in page
    refused = reviewer.post(f"/reports/appeals/{appeal.id}/resolve", {
        "outcome": "corrected", "reason": "部分属实", "decision": "reduce", "amount": ""})
    assert refused.status_code == 422
    assert active_decision(contract).id == decision.id
    assert reviewer.post(f"/reports/appeals/{appeal.id}/resolve", {
        "outcome": "corrected", "reason": "部分属实", "decision": "reduce",
        "amount": "1000.00", "renew": "y"}).status_code == 302
    revised = active_decision(contract)
    assert revised.id != decision.id and str(revised.amount) == "1000.00"
    page = browser.get(f"/reports/contracts/{contract.id}/performance?period=2026"
                       ).get_data(as_text=True)
    assert "Revoked decisions" in page and f"Appeal #{appeal.id}" in page


def test_a_decision_under_appeal_is_revised_by_the_appeal_not_revoked_beside_it(
        decided, api_login, db):
    """Revoked while its appeal was open, the appeal could never be corrected (the decision
    it named was gone: 409 "already revoked") and stayed open, reminding the officers."""
    contract, decision, officer, provider_user = decided
    appeal_id = _lodge(api_login(provider_user), decision.id).get_json()["id"]
    api = api_login(officer)

    refused = api.post(f"/api/v1/payment-decisions/{decision.id}/revoke",
                       json={"reason": "重新评估"})
    assert refused.status_code == 409, refused.get_json()
    assert f"under appeal #{appeal_id}" in refused.get_json()["error"]["message"]
    db.session.expire_all()
    assert active_decision(contract).id == decision.id

    done = api.post(f"/api/v1/appeals/{appeal_id}/resolve", json={
        "outcome": "corrected", "reason": "情况属实", "revised_decision": {
            "decision": "pay", "renew": True}})
    assert done.status_code == 200, done.get_json()
    db.session.expire_all()
    assert db.session.get(PaymentDecision, decision.id).revoked_at is not None
    assert active_decision(contract).id == done.get_json()["revised_decision_id"]
