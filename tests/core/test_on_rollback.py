"""``on_rollback``: undo what the database cannot (files written for rows rolled back)."""

import sqlalchemy as sa

from app.extensions import db
from app.unit_of_work import on_rollback, remove_on_rollback


def _begin():
    db.session.execute(sa.text("SELECT 1"))  # a transaction is under way


def test_runs_on_rollback_and_is_forgotten_on_commit(app):
    calls = []
    _begin()
    on_rollback(lambda: calls.append("undo"))
    db.session.rollback()
    assert calls == ["undo"]

    _begin()
    on_rollback(lambda: calls.append("undo again"))
    db.session.commit()
    _begin()
    db.session.rollback()
    assert calls == ["undo"]


def test_a_failing_callback_does_not_stop_the_others(app):
    calls = []
    _begin()
    on_rollback(lambda: 1 / 0)
    on_rollback(lambda: calls.append("second"))
    db.session.rollback()
    assert calls == ["second"]


def test_remove_on_rollback_removes_the_files(app, tmp_path):
    kept, written = tmp_path / "kept", tmp_path / "written"
    _begin()
    kept.write_bytes(b"x")
    remove_on_rollback(kept)
    db.session.commit()
    _begin()
    written.write_bytes(b"y")
    remove_on_rollback(written, tmp_path / "never-written")
    db.session.rollback()
    assert kept.exists() and not written.exists()
