"""The evaluations demo seed: campaigns, finalized inspections in every grade, actions in
every state — deterministic, through the services, fast."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from evaluations.actions.models import ActionStatus, CorrectiveAction
from evaluations.assessment.services import seed_builtin_templates
from evaluations.campaigns.models import Campaign
from evaluations.inspections.models import Inspection, InspectionStatus
from evaluations.seed import seed_campaigns_and_actions

TODAY = date(2026, 6, 15)


@pytest.fixture
def demo_homes(db, regions, make_user, make_facility, make_operation_contract, fixed_today):
    fixed_today(TODAY)
    seed_builtin_templates()
    make_user("officer", region="city")
    make_user("inspector", region="city")
    make_user("inspector", region="b")
    homes = []
    for n, (region, kind) in enumerate([("a1", "elderly_home"), ("village", "rural_home"),
                                        ("b1", "elderly_home"), ("b1", "rural_home"),
                                        ("a", "child_welfare"), ("a1", "rural_home"),
                                        ("b1", "elderly_home"), ("a1", "elderly_home")]):
        home = make_facility(region, name=f"示范福利院{n}", kind=kind)
        if n != 5:  # one home nobody operates: its findings have no owner
            make_operation_contract(home, region="city", start_date=date(2025, 1, 1),
                                    end_date=date(2026, 12, 31))
        homes.append(home)
    db.session.commit()
    return homes


def _seed(db):
    seed_campaigns_and_actions()
    db.session.commit()


def test_seed_makes_campaigns_grades_and_actions_in_every_state(demo_homes, db):
    _seed(db)
    campaigns = db.session.scalars(sa.select(Campaign).order_by(Campaign.id)).all()
    assert [c.template.code for c in campaigns] == ["warm_winter", "safety"]
    winter, safety = campaigns
    assert (winter.window_start, winter.window_end) == (date(2025, 11, 1), date(2025, 11, 30))
    assert {i.status for i in winter.inspections} == {InspectionStatus.FINALIZED}
    assert len(winter.inspections) == len(demo_homes)
    assert safety.window_start < TODAY < safety.window_end
    safety_statuses = {i.status for i in safety.inspections}
    assert {InspectionStatus.FINALIZED, InspectionStatus.SCHEDULED} <= safety_statuses

    scored = db.session.scalars(sa.select(Inspection).where(
        Inspection.status.in_([InspectionStatus.SUBMITTED, InspectionStatus.FINALIZED]))).all()
    grades = Counter(i.grade for i in scored)
    assert len(grades) >= 3, grades
    assert any(i.failed_critical for i in scored)
    assert any(a.na for i in scored for a in i.answers)

    rows = db.session.scalars(sa.select(CorrectiveAction)).all()
    states = {a.status for a in rows}
    assert states == {ActionStatus.OPEN, ActionStatus.ANSWERED, ActionStatus.CLOSED}
    assert any(a.is_overdue_on(TODAY) for a in rows)
    assert any(a.status is ActionStatus.OPEN and not a.is_overdue_on(TODAY) for a in rows)
    assert any(a.reopen_count == 1 for a in rows)
    assert all(a.provider_id is not None for a in rows)


def test_seed_is_deterministic_and_runs_once(demo_homes, db):
    _seed(db)
    first = [(i.facility_id, i.campaign_id, str(i.total)) for i in db.session.scalars(
        sa.select(Inspection).order_by(Inspection.id))]
    _seed(db)  # a second run changes nothing
    again = [(i.facility_id, i.campaign_id, str(i.total)) for i in db.session.scalars(
        sa.select(Inspection).order_by(Inspection.id))]
    assert first == again
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 2


def test_seed_without_homes_does_nothing(db, regions):
    seed_builtin_templates()
    _seed(db)
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
