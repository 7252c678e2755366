"""An inspector's name of the 100 characters allowed is printed whole inside its column of the
scorecard, wrapped, not run off the page under the score box."""

import re

from tests.reports.scorecards.test_scorecard import _finalized, _scorecard_text


def test_a_long_inspector_name_wraps_within_its_column(as_user, db, inspection_world,
                                                       schedule):
    inspection_world.inspector.name = "禺" * 100
    db.session.commit()
    inspection, *_ = _finalized(db, inspection_world, schedule, "复查")
    text = _scorecard_text(as_user, inspection)
    assert text.count("禺") == 100
    # one line of the column holds about thirty: a run of all hundred ran across the page
    assert max(len(run) for run in re.findall("禺+", text)) < 60
