"""Spot checks: sample size, repeatable draws, results, agreement rate, who sees what.
(The stratified sample, forced inclusions and statistics: test_sampling.py.)"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db as _db
from app.users.models import User
from contracts.households import findings, spot_checks
from contracts.households.models import SpotCheck, SpotCheckItem, SpotCheckStatus
from tests.locks import a_statement_waits_for_a_lock, first_held_while_the_second_waits
from tests.postgresql import postgresql_only
from tests.threads import WAIT, at_once, committed_in_a_request, until


@pytest.mark.parametrize(("population", "size"), [(100, 30), (1000, 300), (10, 10), (401, 121),
                                                   (0, 0)])
def test_sample_size_rule(population, size):
    assert spot_checks.sample_size(population) == size


def test_sample_size_rule_is_configurable_per_draw():
    assert spot_checks.sample_size(1000, percent=30, minimum=20) == 300
    assert spot_checks.sample_size(100, percent=5, minimum=5) == 5


@pytest.fixture
def surveyed(db, hh_contract, import_rows):
    """An active contract with 100 records in 2026-03: five surveyors with 20 each, one a day
    (so that no record is flagged and forced into a sample)."""
    contract = hh_contract()
    import_rows(contract, [{"surveyor": f"调查员{i % 5}", "second_surveyor": f"副{i % 5}",
                            "survey_date": f"2026-03-{1 + i // 5:02d}"} for i in range(100)])
    return contract


def test_draw_stores_seed_and_the_draw_repeats_exactly(db, surveyed, make_user):
    inspector = make_user("inspector", region="a")
    officer = make_user("officer", region="a")
    check = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=officer, seed=1234)
    db.session.commit()
    assert (check.size, check.population, check.seed) == (30, 100, 1234)
    drawn = sorted(item.record_id for item in check.items)
    assert sorted(spot_checks.redraw(check)) == drawn
    finish(db, check)  # one open check a period
    again = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=officer, seed=1234)
    assert sorted(item.record_id for item in again.items) == drawn
    finish(db, again)
    other = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=officer, seed=99)
    assert sorted(item.record_id for item in other.items) != drawn


def finish(db, check: SpotCheck) -> None:
    check.status = SpotCheckStatus.DONE
    db.session.commit()


def test_a_second_check_of_a_period_waits_for_the_open_one(app, db, surveyed, make_user):
    """A double click on "draw", or two officers at once, drew two checks of one period: a
    record sampled in both counted twice in the agreement rate."""
    inspector, officer = make_user("inspector", region="a"), make_user("officer", region="a")
    ids = {"contract": surveyed.id, "inspector": inspector.id, "officer": officer.id}

    def draw() -> None:
        spot_checks.draw_spot_check(_db.session.get(type(surveyed), ids["contract"]),
                                    period="2026-03", inspector=ids["inspector"],
                                    actor=_db.session.get(User, ids["officer"]))

    outcomes = first_held_while_the_second_waits(app, draw, draw)
    assert outcomes[0] is None and "is still open" in (outcomes[1] or ""), outcomes
    db.session.expire_all()
    [first] = db.session.scalars(sa.select(SpotCheck)).all()
    with pytest.raises(Conflict) as refused:  # and once more, the first still open
        draw()
    assert refused.value.fields["period"] and f"#{first.id}" in refused.value.message
    db.session.rollback()
    finish(db, first)  # a follow-up check of a period finished is drawn
    draw()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(SpotCheck.id))) == 2


def test_draw_refusals(db, surveyed, make_user):
    officer = make_user("officer", region="a")
    outsider = make_user("inspector", region="b")
    with pytest.raises(ValidationError) as refused:
        spot_checks.draw_spot_check(surveyed, period="2026-07", inspector=outsider,
                                    actor=officer)
    assert set(refused.value.fields) == {"period", "inspector_id"}
    with pytest.raises(Forbidden):
        spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=outsider,
                                    actor=make_user("provider"))


def test_results_and_agreement_rate(db, surveyed, make_user):
    inspector = make_user("inspector", region="a")
    check = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=None, seed=7, minimum=4)
    assert check.size == 30
    assert findings.agreement_rate(surveyed) is None
    items = check.items
    with pytest.raises(Forbidden):
        spot_checks.record_result(items[0], actor=make_user("inspector", region="a"),
                                  result="confirmed")
    with pytest.raises(ValidationError) as refused:
        spot_checks.record_result(items[0], actor=inspector, result="discrepant")
    assert set(refused.value.fields) == {"field", "finding"}
    spot_checks.record_result(items[0], actor=inspector, result="discrepant", field="members",
                              finding="2 people, not 3")
    for item in items[1:4]:
        spot_checks.record_result(item, actor=inspector, result="confirmed")
    assert findings.agreement_rate(surveyed) == Decimal("0.7500")
    for item in items[4:-1]:
        spot_checks.record_result(item, actor=inspector, result="confirmed")
    assert check.status is SpotCheckStatus.OPEN
    spot_checks.record_result(items[-1], actor=inspector, result="confirmed")
    assert check.status is SpotCheckStatus.DONE
    assert findings.agreement_rate(surveyed, "2026-03") == Decimal("0.9667")
    assert findings.agreement_rate(surveyed, "2026-04") is None
    # the performance figures read every period's at once: the same rates, none where none
    assert findings.agreement_rates(surveyed, ["2026-02", "2026-03", "2026-04"]) == {
        "2026-03": Decimal("0.9667")}


def test_a_provider_sees_no_rate_of_a_spot_check_under_way(db, surveyed, as_user, make_user):
    inspector = make_user("inspector", region="a")
    check = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                        actor=None, seed=1)
    spot_checks.record_result(check.items[0], actor=inspector, result="discrepant",
                              field="assets", finding="a car not declared")
    db.session.commit()
    assert check.status is SpotCheckStatus.OPEN

    provider, _p = as_user("provider", provider=surveyed.provider)
    officer, _o = as_user("officer", region="a")
    for url in (f"/contracts/{surveyed.id}/households/progress",
                f"/contracts/{surveyed.id}/spot-checks"):
        assert "agreement rate: <strong>" not in provider.get(url).get_data(as_text=True).lower()
        assert "agreement rate: <strong>0.0%" in officer.get(url).get_data(as_text=True).lower()


@postgresql_only("SQLite lets one transaction write at a time")
def test_the_last_two_results_saved_at_once_finish_the_check(app, db, surveyed, make_user):
    """Each saved before the other committed counted the other's item still pending, and the
    check with no item pending stayed open. The second now waits for the first."""
    inspector_id = make_user("inspector", region="a").id
    check = spot_checks.draw_spot_check(surveyed, period="2026-03", actor=None, seed=7,
                                        inspector=_db.session.get(User, inspector_id))
    for item in check.items[:-2]:
        spot_checks.record_result(item, actor=None, result="confirmed")
    db.session.commit()
    check_id, (first_id, second_id) = check.id, [item.id for item in check.items[-2:]]
    first_saved, commit_first = threading.Event(), threading.Event()

    def record(item_id):
        spot_checks.record_result(_db.session.get(SpotCheckItem, item_id), result="confirmed",
                                  actor=_db.session.get(User, inspector_id))

    def first():
        record(first_id)
        first_saved.set()
        assert commit_first.wait(WAIT)

    def second():
        assert first_saved.wait(WAIT)
        record(second_id)

    def release_the_first():
        if until(lambda: a_statement_waits_for_a_lock(app)):
            commit_first.set()

    outcomes = at_once(lambda: committed_in_a_request(app, first),
                       lambda: committed_in_a_request(app, second), release_the_first)
    assert outcomes == [None, None, None]
    db.session.expire_all()
    assert db.session.get(SpotCheck, check_id).status is SpotCheckStatus.DONE


def test_api_draw_mark_and_visibility(db, surveyed, api_as, make_user):
    inspector_api, inspector = api_as("inspector", region="a")
    other_api, _other = api_as("inspector", region="a")
    officer_api, _officer = api_as("officer", region="a")
    response = officer_api.post(f"/api/v1/contracts/{surveyed.id}/spot-checks",
                                json={"period": "2026-03", "inspector_id": inspector.id,
                                      "seed": 42})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["size"] == 30 and len(body["items"]) == 30
    assert body["items"][0]["record"]["id_number"].count("*") == 8
    check_id, item_id = body["id"], body["items"][0]["id"]

    # inspectors see only their own spot checks
    assert inspector_api.get(f"/api/v1/spot-checks/{check_id}").status_code == 200
    assert other_api.get(f"/api/v1/spot-checks/{check_id}").status_code == 404
    # ... and the contract itself only through a spot check or an inspection of theirs
    assert other_api.get(f"/api/v1/contracts/{surveyed.id}/spot-checks").status_code == 404
    assert inspector_api.get(f"/api/v1/contracts/{surveyed.id}").status_code == 200
    assert other_api.post(f"/api/v1/spot-checks/{check_id}/items/{item_id}",
                          json={"result": "confirmed"}).status_code == 404
    # providers see nothing until it is done, then the rates only
    provider_api, _p = api_as("provider", provider=surveyed.provider)
    assert provider_api.get(f"/api/v1/spot-checks/{check_id}").status_code == 404

    response = inspector_api.post(f"/api/v1/spot-checks/{check_id}/items/{item_id}",
                                  json={"result": "discrepant", "field": "assets",
                                        "finding": "a car not declared"})
    assert response.status_code == 200 and response.get_json()["result"] == "discrepant"
    for item in body["items"][1:]:
        assert inspector_api.post(f"/api/v1/spot-checks/{check_id}/items/{item['id']}",
                                  json={"result": "confirmed"}).status_code == 200
    done = provider_api.get(f"/api/v1/spot-checks/{check_id}").get_json()
    # 29 of 30 agree: p = 0.9667, and its 95 % Wilson interval 0.8333–0.9941
    assert done["status"] == "done" and done["agreement_rate"] == "0.9667"
    assert (done["ci_low"], done["ci_high"]) == ("0.8333", "0.9941")
    assert done["items"] is None
    assert db.session.scalar(sa.select(SpotCheck.status)) is SpotCheckStatus.DONE


def test_html_inspector_marks_and_list_shows_only_theirs(db, surveyed, as_user, make_user):
    browser, inspector = as_user("inspector", region="a")
    other = make_user("inspector", region="a")
    theirs = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=other,
                                         actor=None, seed=2)
    finish(db, theirs)
    mine = spot_checks.draw_spot_check(surveyed, period="2026-03", inspector=inspector,
                                       actor=None, seed=1)
    db.session.commit()
    listing = browser.get("/spot-checks").get_data(as_text=True)
    assert f'/spot-checks/{mine.id}"' in listing and f'/spot-checks/{theirs.id}"' not in listing
    assert browser.get(f"/spot-checks/{theirs.id}").status_code == 404
    item = mine.items[0]
    response = browser.post(f"/spot-checks/{mine.id}/items/{item.id}",
                            {"result": "discrepant", "field": "", "finding": ""})
    assert response.status_code == 422
    response = browser.post(f"/spot-checks/{mine.id}/items/{item.id}",
                            {"result": "confirmed", "field": "", "finding": ""})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(item), item.id).result.value == "confirmed"


def test_html_officer_draws(db, surveyed, as_user, make_user):
    inspector = make_user("inspector", region="a")
    browser, _officer = as_user("officer", region="a")
    url = f"/contracts/{surveyed.id}/spot-checks"
    assert browser.get(url).status_code == 200
    response = browser.post(url, {"period": "2026-03", "inspector_id": str(inspector.id),
                                  "percent": "5", "minimum": "20", "seed": "5"})
    assert response.status_code == 422  # below the 30 % floor: nothing drawn
    assert "from 30 (the floor) to 100" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpotCheck)) == 0
    response = browser.post(url, {"period": "2026-03", "inspector_id": str(inspector.id),
                                  "percent": "30", "minimum": "20", "seed": "5"})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(SpotCheck.size)) == 30
