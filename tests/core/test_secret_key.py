"""The key that signs sessions: random per instance in development, never a published value;
an admin session forged with the old development key gets the login page."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

import config
from app import create_app
from app.auth.services import begin_session
from app.extensions import db, login_manager
from config import ConfigError, DevelopmentConfig, ProductionConfig, instance_secret_key

#: the value config.py carried before keys were generated per instance
OLD_DEVELOPMENT_KEY = "dev-only-not-secret"
AGENT = "Mozilla/5.0 (forger)"
ROOT = Path(__file__).resolve().parents[2]


def test_no_key_is_written_in_the_code():
    assert (os.environ.get("SECRET_KEY") or None) == config.Config.SECRET_KEY
    assert OLD_DEVELOPMENT_KEY not in (ROOT / "config.py").read_text()


def test_an_instance_makes_its_own_key_once_and_keeps_it(tmp_path):
    first = instance_secret_key(str(tmp_path / "one"))
    assert len(first) == 64 and int(first, 16)
    assert instance_secret_key(str(tmp_path / "one")) == first
    assert instance_secret_key(str(tmp_path / "two")) != first
    key_file = tmp_path / "one" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["secret_key"]


def test_a_spoilt_key_file_is_refused_not_used(tmp_path):
    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(ConfigError, match="delete it"):
        instance_secret_key(str(tmp_path))


def test_the_key_file_is_never_in_the_repository():
    ignored = subprocess.run(["git", "check-ignore", "-q", "instance/secret_key"], cwd=ROOT)
    assert ignored.returncode == 0


def test_production_refuses_a_short_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "changeme")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@localhost/y")
    with pytest.raises(ConfigError, match="at least 32"):
        ProductionConfig.check()


@pytest.fixture
def dev_app(test_config, tmp_path, monkeypatch) -> Iterator[Flask]:
    """The app as ``make run`` builds it: development settings, no SECRET_KEY given."""
    monkeypatch.delenv("SECRET_KEY", raising=False)

    class Development(DevelopmentConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = test_config.SQLALCHEMY_DATABASE_URI
        INSTANCE_DIR = str(tmp_path / "instance")
        UPLOAD_DIR = test_config.UPLOAD_DIR

    app = create_app(Development)
    yield app
    with app.app_context():  # its own engine: close its connections, or PostgreSQL's leak
        db.session.remove()
        db.engine.dispose()


def test_development_signs_with_the_instance_key(dev_app, tmp_path):
    assert dev_app.secret_key == (tmp_path / "instance" / "secret_key").read_text()
    assert dev_app.secret_key != OLD_DEVELOPMENT_KEY


def _forged_cookie(app: Flask, key: str, user_id: str) -> str:
    """A Flask-Login session for ``user_id`` as an attacker would sign it with ``key``."""
    with app.test_request_context("/", headers={"User-Agent": AGENT},
                                  environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = login_manager._session_identifier_generator()
    signer = Flask("forger")
    signer.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    return serializer.dumps({"_user_id": user_id, "_fresh": True, "_id": identifier})


def test_a_session_signed_with_the_old_development_key_gets_the_login_page(dev_app,
                                                                           make_user):
    admin = make_user("admin")
    begin_session(admin)  # the forger names a browser session still open
    db.session.commit()
    client = dev_app.test_client()
    client.set_cookie("session", _forged_cookie(dev_app, OLD_DEVELOPMENT_KEY, admin.get_id()))
    response = client.get("/admin/users/", headers={"User-Agent": AGENT})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    # the same forgery with the instance's real key would have been an admin: the test can fail
    client.set_cookie("session", _forged_cookie(dev_app, dev_app.secret_key, admin.get_id()))
    assert client.get("/admin/users/", headers={"User-Agent": AGENT}).status_code == 200


def test_make_run_warns_when_serving_beyond_this_machine():
    def check(host: str, flask_config: str = "development") -> str:
        result = subprocess.run(["make", "-s", "check-host", f"HOST={host}"], cwd=ROOT,
                                capture_output=True, text=True, check=True,
                                env={**os.environ, "FLASK_CONFIG": flask_config})
        return result.stdout + result.stderr

    assert "WARNING" in check("0.0.0.0")
    assert "WARNING" in check("192.168.1.20")
    assert "WARNING" not in check("127.0.0.1")
    assert "WARNING" not in check("localhost")
    assert "WARNING" not in check("0.0.0.0", "production")
