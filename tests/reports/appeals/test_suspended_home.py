"""An inspection of a home made while its operation contract is suspended counts in that
contract's performance (a suspended contract keeps its figures), and may fail it by a veto:
the operator must be able to read and appeal it."""

from datetime import date

from contracts.lifecycle import transition_contract
from reports.performance.services import contract_performance
from tests.factories import on
from tests.reports.money import VETO, finalized


def test_the_operator_appeals_a_veto_found_while_its_contract_was_suspended(
        db, inspection_world, schedule, api_login):
    w = inspection_world
    on(date(2026, 11, 1))
    transition_contract(w.contract, "suspended", actor=w.officer, reason="整改停业")
    db.session.commit()
    vetoed = finalized(db, w, schedule, failed=(VETO,), day=date(2026, 11, 10))
    performance = contract_performance(w.contract, "2026")
    assert vetoed.id in [f.inspection_id for f in performance.failed_critical]
    assert performance.grade == "fail"
    api = api_login(w.provider_user)
    assert api.get(f"/api/v1/inspections/{vetoed.id}").status_code == 200
    lodged = api.post(f"/api/v1/inspections/{vetoed.id}/appeals",
                      json={"reason": "烟感已安装，检查时未通电"})
    assert lodged.status_code == 201, lodged.get_json()
