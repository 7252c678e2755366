"""Configuration classes read the environment; production refuses to start without secrets."""

import os
import runpy
from pathlib import Path

import pytest

from app import create_app
from config import ConfigError, ProductionConfig, config_from_env


def test_production_refuses_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@localhost/y")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_without_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app(ProductionConfig)


def test_production_reason_is_one_line(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError) as info:
        ProductionConfig.check()
    assert "\n" not in str(info.value) and "SECRET_KEY and DATABASE_URL" in str(info.value)


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


def test_unknown_config_name_is_refused(monkeypatch):
    monkeypatch.setenv("FLASK_CONFIG", "staging")
    with pytest.raises(ConfigError, match="staging"):
        config_from_env()


def test_gunicorn_workers_bound_their_statements_under_their_own_timeout(monkeypatch):
    """A statement stopped by the database gives the user a page; one running until gunicorn
    kills the worker gives the proxy's 502 (app/statement_timeout.py)."""
    monkeypatch.setenv("WEB_STATEMENT_TIMEOUT_SECONDS", "")
    monkeypatch.delenv("WEB_STATEMENT_TIMEOUT_SECONDS")
    settings = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    assert 0 < float(os.environ["WEB_STATEMENT_TIMEOUT_SECONDS"]) < settings["timeout"]
