"""The contract performance scorecard carries a verification code checked by /verify, and its
URL is where the app really runs (BASE_URL; `make run` sets it from HOST and PORT)."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import clock
from reports.performance.decisions import record_payment_decision
from reports.scorecards.models import PerformanceCard
from tests.reports.money import pdf_text

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def contract(db, make_contract, make_user, app, monkeypatch):
    clock.set_clock(lambda: datetime(2026, 12, 20, 4, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "BASE_URL", "https://care.example.cn/")
    make_user("officer", region="a")
    return make_contract(status="active", targets={})


def _card(api, contract):
    response = api.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf?period=2026")
    assert response.status_code == 200
    return pdf_text(response.data)


def test_the_scorecard_prints_a_code_that_verify_confirms(contract, api_as, client, db):
    api, _ = api_as("officer", region="a")
    text = _card(api, contract)
    card = db.session.scalars(sa.select(PerformanceCard)).one()
    assert len(card.code) == 12 and card.code in text
    assert f"https://care.example.cn/reports/verify/{card.code}" in text
    assert "127.0.0.1" not in text
    assert _card(api, contract) and db.session.scalar(
        sa.select(sa.func.count()).select_from(PerformanceCard)) == 1  # same figures, same code
    page = client.get(f"/reports/verify/{card.code.lower()}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert contract.number in body and "its figures are still current" in body


def test_a_changed_figure_gets_a_new_code_and_the_old_one_says_so(contract, api_as, client,
                                                                  db):
    api, officer = api_as("officer", region="a")
    _card(api, contract)
    old = db.session.scalars(sa.select(PerformanceCard)).one().code
    record_payment_decision(contract, "2026", decision="withhold", renew=False,
                            comment="暂缓", actor=officer)
    db.session.commit()
    text = _card(api, contract)
    new = db.session.scalars(sa.select(PerformanceCard).where(PerformanceCard.code != old)
                             ).one().code
    assert new in text and old not in text
    stale = client.get(f"/reports/verify/{old}").get_data(as_text=True)
    assert "its figures have changed since it was printed" in stale
    assert client.get("/reports/verify/NOSUCHCODE12").status_code == 404


def test_the_provider_prints_its_own_card_and_nobody_else_does(contract, api_as):
    own, _ = api_as("provider", provider=contract.provider)
    assert own.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf").status_code == 200
    stranger, _ = api_as("provider")
    assert stranger.get(f"/api/v1/contracts/{contract.id}/scorecard.pdf").status_code == 404


def _python(code: str, **env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "HOST", "PORT")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean | env,
                          capture_output=True, text=True, check=True).stdout.strip()


def test_base_url_follows_host_and_port_unless_given():
    show = "import config; print(config.Config.BASE_URL)"
    assert _python(show) == "http://127.0.0.1:5000"
    assert _python(show, HOST="10.1.2.3", PORT="8081") == "http://10.1.2.3:8081"
    assert _python(show, HOST="10.1.2.3", BASE_URL="https://care.example.cn") == \
        "https://care.example.cn"


def test_make_run_passes_base_url_from_host_and_port():
    plan = subprocess.run(["make", "-n", "run", "HOST=10.1.2.3", "PORT=8081"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    serve = next(line for line in plan.splitlines() if "BASE_URL=" in line)
    assert "BASE_URL=http://10.1.2.3:8081 " in serve
    assert "BIND=10.1.2.3:8081 " in serve  # the Procfile's web process binds to $BIND
    assert "--bind ${BIND" in (ROOT / "Procfile").read_text()


def test_a_decision_comment_longer_than_a_page_is_printed_whole(contract, api_as, db):
    api, officer = api_as("officer", region="a")
    record_payment_decision(contract, "2026", decision="withhold", amount=Decimal("0"),
                            renew=False, comment="根据年度考核结果，扣减尾款并暂停续约。" * 100,
                            actor=officer)  # 1,900 of the 2,000 allowed
    db.session.commit()
    assert "".join(_card(api, contract).split()).count("暂停续约") == 100
