"""Appeals (申诉/复核) of a finalized inspection (issue 13, point 6): lodged by the provider within
the window, resolved by a correction whose new result flows into performance, notices both
ways, noted on the scorecard and the performance PDF; visible to the officer and that provider
only."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db as _db
from app.users.models import User
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.inspections.services import (
    correct_inspection,
    finalize_inspection,
    save_answers,
    submit_inspection,
)
from reports.appeals import services as appeals
from reports.appeals.models import Appeal, AppealStatus
from reports.performance.decisions import record_payment_decision, revoke_payment_decision
from reports.performance.models import PaymentDecision
from reports.performance.services import contract_performance
from tests.clients import Browser
from tests.factories import item_of, notices, on
from tests.locks import first_held_while_the_second_waits
from tests.reports.money import VETO, pdf_text
from tests.threads import read_then_act_at_once, the_one_that_won


def _lodge(api, inspection_id, **body):
    return api.post(f"/api/v1/inspections/{inspection_id}/appeals",
                    json={"reason": "烟感当日已更换，检查时未通电", "evidence": "更换发票"} | body)


def test_the_provider_appeals_within_the_window_and_the_officers_are_told(world, api_login,
                                                                         db):
    on(date(2026, 11, 20))  # the tenth day after finalization: still in time
    response = _lodge(api_login(world.provider_user), world.inspection.id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "open" and body["due_by"] == "2026-12-05"
    assert body["inspection_id"] == world.inspection.id and body["evidence"] == "更换发票"
    (notice,) = notices(db, world.officer, kind="appeal_opened")
    assert f"检查 #{world.inspection.id}" in notice.title  # in the officer's language
    assert notice.link == f"/reports/appeals/{body['id']}"
    again = _lodge(api_login(world.provider_user), world.inspection.id)
    assert again.status_code == 409


def test_after_the_window_the_appeal_is_refused(world, api_login, db, app, monkeypatch):
    on(date(2026, 11, 21))
    late = _lodge(api_login(world.provider_user), world.inspection.id)
    assert late.status_code == 409 and "2026-11-20" in late.get_json()["error"]["message"]
    monkeypatch.setitem(app.config, "APPEAL_WINDOW_DAYS", 30)
    assert _lodge(api_login(world.provider_user), world.inspection.id).status_code == 201


def test_bad_appeals_change_nothing(world, api_login, db, make_user):
    on(date(2026, 11, 12))
    own = api_login(world.provider_user)
    empty = _lodge(own, world.inspection.id, reason="  ")
    assert empty.status_code == 422 and "reason" in empty.get_json()["error"]["fields"]
    assert own.post(f"/api/v1/inspections/{world.inspection.id}/appeals",
                    json={}).status_code == 422
    stranger = api_login(make_user("provider"))
    assert _lodge(stranger, world.inspection.id).status_code == 404
    assert _lodge(api_login(world.officer), world.inspection.id).status_code == 403
    assert _lodge(own, 2**63).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 0


def test_only_a_finalized_current_result_is_appealed(world, schedule, db, make_user):
    on(date(2026, 11, 12))
    draft = schedule()
    assert draft.status is InspectionStatus.SCHEDULED
    with pytest.raises(Conflict):
        appeals.open_inspection_appeal(draft, reason="x", actor=world.provider_user)
    with pytest.raises(NotFound):
        appeals.open_inspection_appeal(world.inspection, reason="x",
                                       actor=make_user("provider"))
    correct_inspection(world.inspection, actor=world.officer, reason="复核")
    with pytest.raises(Conflict):  # superseded: appeal the correction once finalized
        appeals.open_inspection_appeal(world.inspection, reason="x",
                                       actor=world.provider_user)


def test_an_appeal_lodged_as_the_result_is_corrected_is_refused(world, app, db):
    """The officer's correction and the provider's appeal at the same instant: the appeal
    found the result not yet corrected and stood against the result the correction replaced.
    Now the appeal waits for the correction and is refused."""
    on(date(2026, 11, 12))
    inspection_id, officer_id = world.inspection.id, world.officer.id
    provider_user_id = world.provider_user.id
    outcomes = first_held_while_the_second_waits(
        app,
        lambda: correct_inspection(_db.session.get(Inspection, inspection_id),
                                   actor=_db.session.get(User, officer_id), reason="复核"),
        lambda: appeals.open_inspection_appeal(_db.session.get(Inspection, inspection_id),
                                               reason="检查当日停电",
                                               actor=_db.session.get(User, provider_user_id)))
    assert outcomes[0] is None, outcomes
    assert "Only the current, finalized result" in outcomes[1], outcomes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 0


def test_a_decision_appealed_as_it_is_revoked_is_refused(world, app, db):
    """The appeal found the decision in force and stood against a revoked one."""
    on(date(2026, 11, 12))
    decision_id = record_payment_decision(world.contract, "2026", decision="withhold",
                                          renew=False, comment="一票否决",
                                          actor=world.officer).id
    db.session.commit()
    officer_id, provider_user_id = world.officer.id, world.provider_user.id
    outcomes = first_held_while_the_second_waits(
        app,
        lambda: revoke_payment_decision(_db.session.get(PaymentDecision, decision_id),
                                        reason="金额有误", actor=_db.session.get(User, officer_id)),
        lambda: appeals.open_decision_appeal(_db.session.get(PaymentDecision, decision_id),
                                             reason="考核有误",
                                             actor=_db.session.get(User, provider_user_id)))
    assert outcomes[0] is None, outcomes
    assert "This decision was revoked" in outcomes[1], outcomes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 0


def test_resolved_by_a_correction_the_new_result_flows_into_performance(world, api_login,
                                                                       db):
    w = world
    on(date(2026, 11, 12))
    appeal_id = _lodge(api_login(w.provider_user), w.inspection.id).get_json()["id"]
    assert contract_performance(w.contract, "2026").grade == "fail"
    officer = api_login(w.officer)
    bad = officer.post(f"/api/v1/appeals/{appeal_id}/resolve",
                       json={"outcome": "maybe", "reason": "x"})
    assert bad.status_code == 422 and "outcome" in bad.get_json()["error"]["fields"]
    resolved = officer.post(f"/api/v1/appeals/{appeal_id}/resolve",
                            json={"outcome": "corrected", "reason": "现场复核烟感正常"})
    assert resolved.status_code == 200, resolved.get_json()
    body = resolved.get_json()
    assert body["status"] == "corrected" and body["correction_id"]
    assert officer.post(f"/api/v1/appeals/{appeal_id}/resolve",
                        json={"outcome": "upheld", "reason": "x"}).status_code == 409
    correction = db.session.get(Inspection, body["correction_id"])
    assert correction.supersedes_id == w.inspection.id
    assert "现场复核烟感正常" in correction.correction_reason
    # the correction is filled in and finalized like any: then its result counts
    assert contract_performance(w.contract, "2026").grade == "fail"
    save_answers(correction, version=correction.version,
                 answers=[{"item_id": item_of(w.template, VETO).id, "yes": True}],
                 actor=w.inspector)
    submit_inspection(correction, actor=w.inspector)
    finalize_inspection(correction, actor=w.officer)
    db.session.commit()
    p = contract_performance(w.contract, "2026")
    assert p.failed_critical == [] and p.grade == "excellent" and p.payment_share == 100
    (notice,) = notices(db, w.provider_user, kind="appeal_resolved")
    assert "已更正" in notice.title and notice.body == "现场复核烟感正常"


def test_upheld_changes_nothing_and_tells_the_provider(world, db):
    on(date(2026, 11, 12))
    appeal = appeals.open_inspection_appeal(world.inspection, reason="不服",
                                            actor=world.provider_user)
    with pytest.raises(ValidationError) as no_reason:
        appeals.resolve_appeal(appeal, outcome="upheld", reason="", actor=world.officer)
    assert "reason" in no_reason.value.fields
    appeals.resolve_appeal(appeal, outcome="upheld", reason="照片显示烟感缺失",
                           actor=world.officer)
    db.session.commit()
    assert appeal.status is AppealStatus.UPHELD and appeal.correction_id is None
    assert contract_performance(world.contract, "2026").grade == "fail"
    assert notices(db, world.provider_user, kind="appeal_resolved")[0].body == "照片显示烟感缺失"


def test_two_officers_resolving_at_once_one_outcome_stands(app, world, db, make_user):
    """One upholds, the other corrects, both having opened the open appeal: one is refused, and
    no correction is left behind an appeal that says upheld."""
    on(date(2026, 11, 12))
    appeal_id = appeals.open_inspection_appeal(world.inspection, reason="不服",
                                               actor=world.provider_user).id
    db.session.commit()
    officers = [world.officer.id, make_user("officer", region="a").id]

    def resolve(outcome, officer_id):
        return lambda appeal: appeals.resolve_appeal(
            appeal, outcome=outcome, reason=f"{outcome} by {officer_id}",
            actor=_db.session.get(User, officer_id))

    outcomes = read_then_act_at_once(app, lambda: _db.session.get(Appeal, appeal_id),
                                     resolve("upheld", officers[0]),
                                     resolve("corrected", officers[1]))
    winner = officers[the_one_that_won(outcomes, "already resolved")]
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal_id)
    corrections = db.session.scalars(sa.select(Inspection).where(
        Inspection.supersedes_id == world.inspection.id)).all()
    if outcomes[0] is None:
        assert appeal.status is AppealStatus.UPHELD and corrections == []
    else:
        assert appeal.status is AppealStatus.CORRECTED
        assert [c.id for c in corrections] == [appeal.correction_id]
    assert appeal.resolved_by_id == winner


def test_an_open_appeal_marks_the_decision_pending_and_the_pdfs_say_so(world, api_login, db,
                                                                      api_as):
    w = world
    on(date(2026, 11, 12))
    decision = record_payment_decision(w.contract, "2026", decision="withhold", renew=False,
                                       comment="一票否决", actor=w.officer)
    db.session.commit()
    appeal_id = _lodge(api_login(w.provider_user), w.inspection.id).get_json()["id"]
    officer = api_login(w.officer)
    perf = officer.get(f"/api/v1/contracts/{w.contract.id}/performance?period=2026").get_json()
    assert perf["decision"]["id"] == decision.id and perf["decision"]["pending"] is True
    card = pdf_text(officer.get(f"/api/v1/inspections/{w.inspection.id}/scorecard.pdf").data)
    assert "Under appeal" in card and f"Appeal #{appeal_id}" in card
    performance = pdf_text(officer.get(
        f"/api/v1/contracts/{w.contract.id}/scorecard.pdf?period=2026").data)
    assert "Under appeal" in performance and "pending: an appeal is open" in performance
    officer.post(f"/api/v1/appeals/{appeal_id}/resolve",
                 json={"outcome": "upheld", "reason": "维持原结果"})
    perf = officer.get(f"/api/v1/contracts/{w.contract.id}/performance?period=2026").get_json()
    assert perf["decision"]["pending"] is False
    zh, _ = api_as("officer", region="a", locale="zh_CN")
    card = pdf_text(zh.get(f"/api/v1/inspections/{w.inspection.id}/scorecard.pdf",
                           headers={"Accept-Language": "zh-CN"}).data)
    assert f"申诉 #{appeal_id}" in card and "已于 2026-11-12 维持原结果" in card
    assert "维持原结果" in card


def test_appeals_are_seen_by_the_officer_and_that_provider_only(world, api_login, make_user,
                                                               db):
    on(date(2026, 11, 12))
    appeal_id = _lodge(api_login(world.provider_user), world.inspection.id).get_json()["id"]
    own = api_login(world.provider_user).get("/api/v1/appeals").get_json()
    assert [a["id"] for a in own["items"]] == [appeal_id] and own["total"] == 1
    assert api_login(world.officer).get("/api/v1/appeals?status=open").get_json()["total"] == 1
    assert api_login(world.officer).get("/api/v1/appeals?status=upheld"
                                        ).get_json()["total"] == 0
    for user in (make_user("provider"), make_user("officer", region="b")):
        api = api_login(user)
        assert api.get("/api/v1/appeals").get_json()["total"] == 0
        assert api.get(f"/api/v1/appeals/{appeal_id}").status_code == 404
    outsider = api_login(make_user("officer", region="b"))
    assert outsider.post(f"/api/v1/appeals/{appeal_id}/resolve",
                         json={"outcome": "upheld", "reason": "x"}).status_code == 404
    assert api_login(world.inspector).get("/api/v1/appeals").status_code == 403
    assert api_login(world.provider_user).post(
        f"/api/v1/appeals/{appeal_id}/resolve",
        json={"outcome": "upheld", "reason": "x"}).status_code == 403
    assert api_login(world.officer).get("/api/v1/appeals?status=nope").status_code == 422
    assert api_login(world.officer).get(f"/api/v1/appeals?contract_id={2**40}").status_code == 422


def test_the_pages_lodge_and_resolve_in_both_languages(world, as_user, db, app):
    on(date(2026, 11, 12))
    browser = Browser(app.test_client())
    browser.login(world.provider_user)
    detail = browser.get(f"/evaluations/inspections/{world.inspection.id}").get_data(True)
    assert f"/reports/inspections/{world.inspection.id}/appeal" in detail
    form = browser.get(f"/reports/inspections/{world.inspection.id}/appeal")
    assert "2026-11-20" in form.get_data(as_text=True)
    assert browser.post(f"/reports/inspections/{world.inspection.id}/appeal",
                        {"reason": ""}).status_code == 422
    lodged = browser.post(f"/reports/inspections/{world.inspection.id}/appeal",
                          {"reason": "检查当日停电", "evidence": "供电局证明"})
    assert lodged.status_code == 302
    appeal = db.session.scalars(sa.select(Appeal)).one()
    officer, _ = as_user("officer", region="a", locale="zh_CN")
    page = officer.get(f"/reports/appeals/{appeal.id}").get_data(as_text=True)
    assert "检查当日停电" in page and "供电局证明" in page and "处理申诉" in page
    assert officer.get("/reports/appeals").status_code == 200
    refused = officer.post(f"/reports/appeals/{appeal.id}/resolve",
                           {"outcome": "upheld", "reason": ""})
    assert refused.status_code == 422
    done = officer.post(f"/reports/appeals/{appeal.id}/resolve",
                        {"outcome": "corrected", "reason": "同意复核"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).correction_id is not None
    page = browser.get(f"/reports/appeals/{appeal.id}").get_data(as_text=True)
    assert "Corrected" in page and "同意复核" in page and "Resolve the appeal" not in page


@pytest.mark.parametrize("query", ["contract_id=%C2%B2", "inspection_id=%C2%B2%C2%B3"])
def test_a_list_filter_that_is_no_id_is_ignored_not_a_500(world, appeal, app, query):
    """"²" is a digit to ``str.isdigit`` and none to ``int``."""
    browser = Browser(app.test_client())
    browser.login(world.officer)
    response = browser.get(f"/reports/appeals?{query}")
    assert response.status_code == 200
    assert f"/reports/appeals/{appeal.id}" in response.get_data(as_text=True)  # unfiltered


def test_the_appeal_pages_hide_from_everyone_else(world, as_user, db, app):
    on(date(2026, 11, 12))
    appeal = appeals.open_inspection_appeal(world.inspection, reason="不服",
                                            actor=world.provider_user)
    db.session.commit()
    stranger, _ = as_user("provider")
    assert stranger.get(f"/reports/appeals/{appeal.id}").status_code == 404
    assert stranger.get(f"/reports/inspections/{world.inspection.id}/appeal").status_code == 404
    assert "不服" not in stranger.get("/reports/appeals").get_data(as_text=True)
    outside, _ = as_user("officer", region="b")
    assert outside.get(f"/reports/appeals/{appeal.id}").status_code == 404
    assert outside.post(f"/reports/appeals/{appeal.id}/resolve",
                        {"outcome": "upheld", "reason": "x"}).status_code == 404
    inspector_browser, _ = as_user("inspector", region="a")
    assert inspector_browser.get("/reports/appeals").status_code == 403
    assert inspector_browser.get(f"/reports/appeals/{appeal.id}").status_code == 403
    owner = Browser(app.test_client())  # nor may the provider resolve, even its own appeal
    owner.login(world.provider_user)
    owner.get(f"/reports/appeals/{appeal.id}")
    assert owner.post(f"/reports/appeals/{appeal.id}/resolve",
                      {"outcome": "upheld", "reason": "x"}).status_code == 403
    assert db.session.get(Appeal, appeal.id).is_open
