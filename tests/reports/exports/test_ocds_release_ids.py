"""A release id names one version of a contract's release: OCDS forbids two different releases
of an ocid under one id, so whatever changes the published release changes its id."""

from datetime import UTC, date, datetime
from decimal import Decimal

from evaluations.inspections.services import finalize_inspection
from tests.factories import on
from tests.reports.exports.test_ocds import contracts_in_every_state  # noqa: F401


def _release(api, number: str) -> dict:
    response = api.get("/api/v1/ocds/releases.json")
    package = response.get_json()
    assert "releases" in package, package
    (found,) = [r for r in package["releases"] if r["contracts"][0]["id"] == number]
    return found


def test_an_inspection_finalized_gives_the_release_a_new_id(api_login, db, inspection_world,
                                                            make_scored_inspection):
    w = inspection_world
    on(date(2026, 3, 5))
    visit = make_scored_inspection(w, scheduled_for=date(2026, 3, 2))
    db.session.commit()
    before = _release(api_login(w.officer), w.contract.number)
    on(date(2026, 3, 9))
    visit.total = Decimal("88.0")
    finalize_inspection(visit, actor=w.officer)
    db.session.commit()
    after = _release(api_login(w.officer), w.contract.number)
    assert after["contracts"] != before["contracts"]  # the assessment is now met
    assert after["id"] != before["id"]


def test_an_unchanged_release_keeps_its_id(api_login, db, inspection_world):
    w = inspection_world
    on(date(2026, 3, 5))
    first = _release(api_login(w.officer), w.contract.number)
    on(date(2026, 3, 9))
    assert _release(api_login(w.officer), w.contract.number)["id"] == first["id"]


def test_the_release_is_dated_no_earlier_than_what_it_reports(api_login, db, inspection_world,
                                                              make_scored_inspection):
    w = inspection_world
    on(date(2026, 3, 5))
    visit = make_scored_inspection(w, scheduled_for=date(2026, 3, 2))
    w.contract.updated_at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # the contract's row last changed then
    db.session.commit()
    on(date(2026, 3, 9))
    visit.total = Decimal("88.0")
    finalize_inspection(visit, actor=w.officer)
    db.session.commit()
    release = _release(api_login(w.officer), w.contract.number)
    met = [m["dateMet"] for m in release["contracts"][0]["implementation"]["milestones"]
           if m["type"] == "assessment"]
    assert met and release["date"] >= max(met)


def test_an_amendment_is_described_in_chinese_not_as_program_data(api_as,
                                                                   contracts_in_every_state):  # noqa: F811
    api, _ = api_as("officer", region="a")
    awarded = contracts_in_every_state["awarded"]
    release = _release(api, awarded.number)
    (amendment,) = release["contracts"][0]["amendments"]
    assert amendment["description"] == "服务目标（户数）：— → 1500"
