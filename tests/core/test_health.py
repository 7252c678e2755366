"""/healthz and /readyz answer load balancers without a login, and tell the truth."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from app.health import newest_migration


@pytest.fixture
def alembic_version(app, db):
    """An alembic_version table (the suite builds its schema without Alembic) with ``set()``."""
    with _db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))

    def set_version(version: str) -> None:
        with _db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM alembic_version"))
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})

    yield set_version
    _db.session.rollback()
    with _db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))


def test_healthz_answers_without_login_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_only_at_the_newest_migration(client, app, alembic_version):
    head = newest_migration(app.config["MIGRATIONS_DIR"])
    alembic_version(head)
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ready", "schema": head}

    alembic_version("0001")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "migrating"


def test_readyz_without_a_schema_is_not_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["schema"] is None


def test_readyz_when_the_database_cannot_be_reached(test_config, tmp_path):
    class Unreachable(test_config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite3'}"

    app = create_app(Unreachable)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    with app.app_context():
        _db.engine.dispose()
