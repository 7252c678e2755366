"""The daily reminders of contracts: contracts ending and qualifications expiring, each at its
boundaries and once per event, through the runner; and the registration of every reminder job
of the feature (service reports and survey windows are tested with their sub-packages)."""

from __future__ import annotations

from datetime import date

import pytest

from app.notifications import kinds
from app.scheduler import registry
from contracts import reminders, services
from tests.factories import notices, on, run_ok


def run(app, job_id: str):
    return run_ok(app, job_id)


@pytest.fixture
def world(reminder_world):
    return reminder_world


# ---- contracts ending -----------------------------------------------------------------------

def test_contracts_ending_within_90_and_30_days(app, db, world, make_contract):
    w = world  # the contract ends 2026-12-31
    ended = make_contract(status="completed")  # not announced
    job = "contracts.contract_expiry_reminders"
    on(date(2026, 10, 1))  # 91 days before
    run(app, job)
    assert notices(db) == []
    on(date(2026, 10, 2))  # 90 days
    run(app, job)
    on(date(2026, 10, 3))
    run(app, job)
    got = notices(db, kind=kinds.CONTRACT_EXPIRING)
    assert sorted(n.user_id for n in got) == sorted(
        u.id for u in (w.staff, w.staff_en, w.city, w.county))
    assert all(n.link == f"/contracts/{w.contract.id}" for n in got)
    assert "90 days" in notices(db, w.city)[0].body
    # a new procurement is the bureau's to plan, not the provider's
    assert "Plan its renewal" in notices(db, w.city)[0].body
    assert "Plan its renewal" not in notices(db, w.staff_en)[0].body
    assert "90 days" in notices(db, w.staff_en)[0].body
    assert not any(n.object_id == str(ended.id) for n in got)
    on(date(2026, 12, 1))  # 30 days
    run(app, job)
    run(app, job)
    assert len(notices(db, w.county)) == 2 and "30 days" in notices(db, w.city)[1].body
    on(date(2026, 12, 2))
    run(app, job)
    assert len(notices(db)) == 8


def test_a_suspended_contract_first_seen_within_30_days_gets_one_notice(app, db, world):
    services.transition_contract(world.contract, "suspended", actor=None, reason="整顿")
    db.session.commit()
    on(date(2026, 12, 15))
    assert reminders.contract_expiry_reminders() == 4
    db.session.commit()
    assert reminders.contract_expiry_reminders() == 0


# ---- qualifications -------------------------------------------------------------------------

def test_qualifications_expiring_within_60_days(app, db, world):
    w = world
    services.add_qualification(w.contract.provider, cert_type="养老机构备案", number="BA-1",
                               valid_until=date(2026, 6, 30))
    db.session.commit()
    job = "contracts.qualification_expiry_reminders"
    on(date(2026, 4, 30))  # 61 days before
    run(app, job)
    assert notices(db) == []
    on(date(2026, 5, 1))
    run(app, job)
    run(app, job)
    got = notices(db, kind=kinds.QUALIFICATION_EXPIRING)
    assert sorted(n.user_id for n in got) == sorted(u.id for u in (w.city, w.staff, w.staff_en))
    assert all(n.link == f"/providers/{w.contract.provider.id}" for n in got)
    assert "BA-1" in got[0].body and "2026-06-30" in got[0].title
    on(date(2026, 7, 1))  # expired: no longer "expiring"
    run(app, job)
    assert len(notices(db)) == 3


def test_a_qualification_already_renewed_is_not_announced_as_expiring(app, db, world):
    """The provider filed the renewed 备案 (valid to 2029) in April: the old one, ending
    2026-06-30, still told the city and the provider to renew it in time."""
    provider = world.contract.provider
    services.add_qualification(provider, cert_type="养老机构备案", number="BA-1",
                               valid_until=date(2026, 6, 30))
    services.add_qualification(provider, cert_type="养老机构备案", number="BA-2",
                               valid_until=date(2029, 6, 30))
    services.add_qualification(provider, cert_type="消防验收", number="XF-1",
                               valid_until=date(2026, 6, 30))
    db.session.commit()
    on(date(2026, 5, 1))
    run(app, "contracts.qualification_expiry_reminders")
    got = notices(db, kind=kinds.QUALIFICATION_EXPIRING)
    assert got and all("XF-1" in n.body and "BA-1" not in n.body for n in got)


# ---- registration ---------------------------------------------------------------------------

def test_the_jobs_are_registered_daily_in_shanghai_time():
    for job_id in ("contracts.submission_reminders", "contracts.contract_expiry_reminders",
                   "contracts.qualification_expiry_reminders",
                   "contracts.survey_window_reminders"):
        spec = registry.get_job(job_id)
        assert spec is not None and spec.trigger["trigger"] == "cron"
        assert spec.trigger["timezone"] == "Asia/Shanghai" and spec.trigger["hour"] == 7
        assert callable(registry.resolve(spec.func_path))
