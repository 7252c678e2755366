"""A bounded generated test of the JSON API: every operation of ``/api/v1/openapi.json``, called
with an officer's and a provider's token, with inputs that fit the schema and inputs that do
not (schemathesis), on ids that exist and ids that do not, never answers a 5xx.

The demo city gives the operations real rows to work on. The run is derandomized (the same
cases every run) and bounded by :data:`EXAMPLES`; each operation's cases are drawn once and sent
with each token in turn. The tally is printed (``pytest -s``). Each call runs in a fresh
context, as ``tests.clients.IsolatedClient`` does, like a real request.
"""

from __future__ import annotations

import contextvars
import itertools
import re
from collections import Counter

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from app.demo.seed import DEMO_PASSWORD

#: generated cases per operation and token
EXAMPLES = 25
#: the generated cases' seed: the one that ``derandomize`` drew from the source of the test body
#: (hypothesis hashes it) when each role drew its cases anew; both drew the same ones, which
#: every role is now sent, and this seed keeps them the cases they were
SEED = int.from_bytes(bytes.fromhex(
    "78cc775868e3103e0c7423185fcfbd5a3d0b9be704102085"
    "eeacb69798393cf999f254e6670465cb65588af0cbd23b8d"), "big")
#: path parameters and the tables of the rows they name
ID_TABLES = {
    "contract_id": "contracts", "provider_id": "providers", "facility_id": "facilities",
    "procurement_id": "procurements", "bid_id": "bids", "record_id": "household_records",
    "spot_check_id": "spot_checks", "item_id": "spot_check_items",
    "submission_id": "submissions", "template_id": "assessment_templates",
    "inspection_id": "inspections", "action_id": "corrective_actions",
    "campaign_id": "campaigns", "qualification_id": "qualifications",
}
#: revoking the caller's own token would leave every later case a 401
SKIPPED = {("DELETE", "/api/v1/tokens")}
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE


@pytest.fixture
def demo_tokens(app, db, demo_city):
    tokens = {}
    for role in ("officer", "provider"):
        response = app.test_client().post("/api/v1/tokens", json={
            "email": f"{role}@demo.careprocure.cn", "password": DEMO_PASSWORD})
        tokens[role] = response.get_json()["token"]
    existing = {name: list(db.session.scalars(sa.text(
        f"SELECT id FROM {table} ORDER BY id LIMIT 3")))  # noqa: S608 - names are ours
        for name, table in ID_TABLES.items()}
    return tokens, existing


def _strategy(operation, existing: dict[str, list[int]]):
    """Valid and invalid cases; where the path names rows, also on rows that exist."""
    names = re.findall(r"{(\w+)}", operation.path)
    strategies = [operation.as_strategy(POSITIVE), operation.as_strategy(NEGATIVE)]
    if names and all(existing.get(name) for name in names):
        for ids in itertools.islice(itertools.product(*(existing[n] for n in names)), 3):
            for mode in (POSITIVE, NEGATIVE):
                strategies.append(operation.as_strategy(mode, path_parameters=dict(
                    zip(names, ids, strict=True))))
    return st.one_of(strategies)


def _cases(operation, existing: dict[str, list[int]]) -> list[tuple]:
    """The generated cases of ``operation``, each with the headers it was generated with: drawn
    once and sent with every role's token (drawing costs as much as answering)."""
    cases = []

    @seed(SEED)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation, existing))
    def draw(case) -> None:
        cases.append((case, dict(case.headers or {})))

    draw()
    return cases


def _send(operation, cases: list[tuple], role: str, token: str, statuses: Counter,
          failures: list[str]) -> None:
    """Send ``cases`` with ``token``, in the order they were drawn, counting the answers."""
    where = f"{operation.method.upper()} {operation.path} as {role}"
    for case, headers in cases:
        case.headers = headers | {"Authorization": f"Bearer {token}"}
        try:
            response = contextvars.Context().run(case.call)
        except Exception as error:  # the app raised instead of answering
            statuses[500] += 1
            failures.append(f"{where}: {type(error).__name__}: {error}"[:300])
            continue
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code} {response.text[:200]}")


@pytest.mark.slow
def test_no_operation_answers_a_5xx(app, demo_tokens):
    tokens, existing = demo_tokens
    schema = contextvars.Context().run(schemathesis.openapi.from_wsgi, "/api/v1/openapi.json",
                                       app)
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60
    for operation in operations:
        if (operation.method.upper(), operation.path) not in SKIPPED:
            cases = _cases(operation, existing)
            for role, token in tokens.items():
                _send(operation, cases, role, token, statuses, failures)
    requests = sum(statuses.values())
    print(f"\nFUZZ requests={requests} 5xx={sum(n for s, n in statuses.items() if s >= 500)} "
          f"by status: {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(failures[:20])
    assert requests > len(operations) * EXAMPLES
