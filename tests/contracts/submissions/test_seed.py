"""The demo seed's service reports: every state of the cycle, all within the rules."""

from __future__ import annotations

import sqlalchemy as sa

from contracts.submissions.data import clean_data
from contracts.submissions.models import Submission


def test_demo_seed_makes_reports_in_every_state(runner, db, demo_city):
    submissions = db.session.scalars(sa.select(Submission)).all()
    assert {s.status.value for s in submissions} == {"draft", "submitted", "approved",
                                                     "returned"}
    assert any(s.resubmissions and s.status.value == "submitted" for s in submissions)
    assert any(s.late for s in submissions) and not all(s.late for s in submissions)
    for s in submissions:
        clean_data(s.contract, s.data, complete=s.status.value != "draft")
        assert s.status.value != "returned" or s.review_comment
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == len(
        submissions)
