"""The outage-log reading the outage tests rely on can tell a flap from a log line per call."""

from tests.core.outage_log import logged_once_per_outage, most_open_at_once

DOWN = "ERROR app.outage: Database unavailable (OperationalError); the scheduler wait for it"
UP = "WARNING app.outage: Database available again after 7.5 s (5 call(s) refused meanwhile)"
RETRY = "INFO app.retry: Database still unavailable for the scheduler (try 2)"


def test_an_outage_that_flapped_as_the_server_went_down_is_logged_once_per_outage():
    assert logged_once_per_outage("\n".join([DOWN, UP, DOWN, RETRY, RETRY, UP]))
    assert most_open_at_once("\n".join([DOWN, DOWN, UP, DOWN, UP, UP])) == 2


def test_an_outage_logged_per_refused_call_or_not_at_all_is_caught():
    assert not logged_once_per_outage("\n".join([DOWN, RETRY, DOWN, UP]))
    assert not logged_once_per_outage(RETRY)
    assert most_open_at_once("\n".join([DOWN, DOWN, DOWN])) == 3
