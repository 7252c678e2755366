"""Terms counted in years from 29 February: a year from a leap day runs to 28 February (the
day before the anniversary, 1 March in a common year), not to the 27th."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import ValidationError
from contracts import services
from contracts.term_length import last_allowed_end


def test_a_three_year_contract_from_a_leap_day_may_run_to_28_february(make_contract):
    """Started on 29 February 2028, a three-year contract to 28 February 2031 was refused as
    longer than three years ("until 2031-02-27 at the latest")."""
    assert last_allowed_end(date(2028, 2, 29)) == date(2031, 2, 28)
    assert make_contract(start_date=date(2028, 2, 29), end_date=date(2031, 2, 28)).id
    with pytest.raises(ValidationError) as caught:
        make_contract(start_date=date(2028, 2, 29), end_date=date(2031, 3, 1))
    assert "2031-02-28" in caught.value.fields["end_date"][0]


def test_a_contract_awarded_on_a_leap_day_runs_a_whole_year(db, make_procurement,
                                                           qualified_provider):
    """The draft of an award made on 29 February 2028 ended on 27 February 2029, a day short
    of the year the procurement bought."""
    procurement = make_procurement()
    bid = services.submit_bid(procurement, provider=qualified_provider(), price="90000")
    contract = services.award_bid(bid, None, date(2028, 2, 29))
    assert (contract.start_date, contract.end_date) == (date(2028, 2, 29), date(2029, 2, 28))
