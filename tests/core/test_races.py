"""Races end in one winner and a clear refusal: two identical writes sent at the same instant
to the app under a real threaded server (SQLite file or PostgreSQL, as the suite runs).

Each scenario is tried :data:`PAIRS` times; every pair must end in exactly one success and one
refusal (409, or the re-rendered form for the HTML door), with the stored rows of one winner.
The tally of each scenario is printed (``pytest -s``): pairs tried, one-winner pairs, others.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from contracts.credit_code import make_credit_code
from contracts.households.models import HouseholdImport, HouseholdRecord
from contracts.models import Contract, ContractTransition, Provider
from contracts.submissions.models import Submission, SubmissionEvent, SubmissionEventKind
from evaluations.assessment.models import AssessmentTemplate
from evaluations.assessment.services import export_template
from tests.clients import PASSWORD
from tests.core.live import LiveBrowser, LiveServer, api_file, api_json, race
from tests.factories import hh_csv, hh_id, on

PAIRS = 20
HS_DATA = {"households_visited": 100, "needy": {"dibao": 5}, "problems": "部分家庭外出"}


@pytest.fixture
def live(app):
    server = LiveServer(app)
    yield server
    server.close()


def tally(name: str, outcomes: list[tuple[int, ...]], winner: tuple[int, ...]) -> None:
    """Print and check the outcomes of the pairs: each must be ``winner`` (sorted)."""
    counts = Counter(tuple(sorted(o)) for o in outcomes)
    print(f"\nRACE {name}: pairs={len(outcomes)} one-winner={counts[winner]} "
          f"other={len(outcomes) - counts[winner]} {dict(counts)}")
    assert counts == {winner: PAIRS}, counts


def _token(app, user) -> str:
    response = app.test_client().post("/api/v1/tokens", json={"email": user.email,
                                                               "password": PASSWORD})
    return response.get_json()["token"]


def count(db, stmt) -> int:
    db.session.rollback()  # a fresh look at what the server's requests committed
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


# ---- identical creates ----------------------------------------------------------------------

def test_the_same_provider_credit_code_twice(live, api_as, db):
    api, _ = api_as("officer", region="a")
    outcomes = []
    for i in range(PAIRS):
        code = make_credit_code("52", "100100", f"{70000000 + i:08d}")
        body = {"name": f"并发组织{i}", "credit_code": code, "kind": "social_org"}
        answers = race(live, *[api_json("POST", "/api/v1/providers", api.token, body)] * 2)
        outcomes.append(tuple(a.status for a in answers))
        refused = [a.json()["error"] for a in answers if a.status == 409]
        assert all(e["code"] == "conflict" and "credit_code" in e["fields"] for e in refused)
        assert count(db, sa.select(Provider).where(Provider.credit_code == code)) == 1
    tally("provider credit code", outcomes, (201, 409))


@pytest.fixture
def two_year_contract(make_contract, make_user):
    """An ACTIVE household-survey contract of 2025–2026, its provider's user; today 2026-12-20."""
    on(date(2026, 12, 20))
    contract = make_contract(status="active", start_date=date(2025, 1, 1),
                             end_date=date(2026, 12, 31), targets={})
    return contract, make_user("provider", provider=contract.provider)


def test_the_same_submission_period_twice(live, api_as, app, db, two_year_contract):
    contract, user = two_year_contract
    token = _token(app, user)
    outcomes = []
    for i in range(PAIRS):
        period = f"{2025 + i // 12}-{i % 12 + 1:02d}"
        body = {"period": period, "data": HS_DATA}
        url = f"/api/v1/contracts/{contract.id}/submissions"
        answers = race(live, *[api_json("POST", url, token, body)] * 2)
        outcomes.append(tuple(a.status for a in answers))
        assert all(a.json()["error"]["code"] == "conflict" for a in answers if a.status == 409)
        assert count(db, sa.select(Submission).where(Submission.contract_id == contract.id,
                                                     Submission.period == period)) == 1
    tally("submission period", outcomes, (201, 409))


def test_the_same_household_file_twice(live, app, db, two_year_contract):
    contract, user = two_year_contract
    token = _token(app, user)
    outcomes = []
    for i in range(PAIRS):
        data = hh_csv([{"id_number": hh_id(5 * i + k), "survey_date": "2026-11-05"}
                       for k in range(5)])
        url = f"/api/v1/contracts/{contract.id}/households"
        answers = race(live, *[api_file(url, token, f"调查{i}.csv", data)] * 2)
        outcomes.append(tuple(a.status for a in answers))
        assert all(a.json()["error"]["code"] == "conflict" for a in answers if a.status == 409)
    tally("household file", outcomes, (201, 409))
    assert count(db, sa.select(HouseholdImport)) == PAIRS
    assert count(db, sa.select(HouseholdRecord)) == 5 * PAIRS


# ---- optimistic versions ----------------------------------------------------------------------

def test_two_edits_of_the_same_contract_revision(live, api_as, make_contract, db):
    contract = make_contract()  # a draft: edited in place
    api, _ = api_as("officer", region="a")
    outcomes, revision = [], 1
    for i in range(PAIRS):
        url = f"/api/v1/contracts/{contract.id}"
        answers = race(live, *[api_json("PATCH", url, api.token,
                                        {"title": f"{who}{i}", "revision": revision})
                               for who in ("甲", "乙")])
        outcomes.append(tuple(a.status for a in answers))
        winner = next(a.json() for a in answers if a.status == 200)
        assert winner["revision"] == revision + 1
        revision += 1
        db.session.rollback()
        stored = db.session.get(Contract, contract.id)
        assert (stored.title, stored.revision) == (winner["title"], revision)
    tally("contract edit (same revision)", outcomes, (200, 409))


def test_two_identical_transitions_without_a_revision(live, api_as, make_contract, db):
    contract = make_contract(status="active")
    api, _ = api_as("officer", region="a")
    outcomes = []
    url = f"/api/v1/contracts/{contract.id}/transitions"
    for _ in range(PAIRS):
        body = {"to": "suspended", "reason": "整改"}
        answers = race(live, *[api_json("POST", url, api.token, body)] * 2)
        outcomes.append(tuple(a.status for a in answers))
        resumed = live.send(api_json("POST", url, api.token, {"to": "active"}))
        assert resumed.status == 201, resumed.text
    tally("contract transition", outcomes, (201, 409))
    suspensions = sa.select(ContractTransition).where(
        ContractTransition.contract_id == contract.id, ContractTransition.to_status == "suspended")
    assert count(db, suspensions) == PAIRS


def test_two_reviews_of_the_same_submission(live, app, api_as, db, two_year_contract):
    contract, provider_user = two_year_contract
    provider_token = _token(app, provider_user)
    first, _ = api_as("officer", region="a")
    second, _ = api_as("officer", region="a")
    url = f"/api/v1/contracts/{contract.id}/submissions"
    submitted = live.send(api_json("POST", url, provider_token,
                                   {"period": "2026-10", "data": HS_DATA})).json()
    outcomes = []
    for i in range(PAIRS):
        review = f"/api/v1/submissions/{submitted['id']}/review"
        answers = race(live, *[api_json("POST", review, officer.token, {
            "decision": "returned", "comment": f"请补充{i}"}) for officer in (first, second)])
        outcomes.append(tuple(a.status for a in answers))
        again = live.send(api_json("POST", url, provider_token,
                                   {"period": "2026-10", "data": HS_DATA}))
        assert again.status == 201, again.text
    tally("submission review", outcomes, (200, 409))
    returns = sa.select(SubmissionEvent).where(
        SubmissionEvent.submission_id == submitted["id"],
        SubmissionEvent.kind == SubmissionEventKind.RETURNED)
    assert count(db, returns) == PAIRS


def test_two_admins_saving_an_edit_of_the_same_template_version(live, make_user, make_template,
                                                                db):
    template = make_template("quality")
    admins = [LiveBrowser(live), LiveBrowser(live)]
    for browser in admins:
        browser.login(make_user("admin").email)
        browser.get(f"/evaluations/templates/{template.id}/edit")
    outcomes, current = [], template
    for i in range(PAIRS):
        url = f"/evaluations/templates/{current.id}/edit"
        doc = export_template(current)
        requests = []
        for n, browser in enumerate(admins):
            doc["sections"][0]["name"]["en"] = f"Edit {i}-{n}"
            requests.append(browser.form(url, {"definition": json.dumps(doc), "save": "y"}))
        answers = race(live, *requests)
        outcomes.append(tuple(a.status for a in answers))
        assert all("saved at the same time" in a.text for a in answers if a.status == 409)
        db.session.rollback()
        current = db.session.scalar(sa.select(AssessmentTemplate).where(
            AssessmentTemplate.code == "quality").order_by(AssessmentTemplate.version.desc()))
    tally("template edit (HTML)", outcomes, (302, 409))
    assert current.version == PAIRS + 1


def test_the_same_provider_form_twice_shows_the_refusal_on_the_form(live, make_user, db):
    officers = [LiveBrowser(live), LiveBrowser(live)]
    for browser in officers:
        browser.login(make_user("officer", region="a").email)
        browser.get("/providers/new")
    outcomes = []
    for i in range(PAIRS):
        code = make_credit_code("52", "100100", f"{71000000 + i:08d}")
        requests = []
        for browser in officers:
            requests.append(browser.form("/providers/new", {
                "name": f"表单组织{i}", "credit_code": code, "kind": "social_org"}))
        answers = race(live, *requests)
        outcomes.append(tuple(a.status for a in answers))
        refused = [a for a in answers if a.status != 302]
        assert all("Another provider already has this credit code." in a.text
                   for a in refused)
        assert count(db, sa.select(Provider).where(Provider.credit_code == code)) == 1
    tally("provider form (HTML)", outcomes, (302, 422))

