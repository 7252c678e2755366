"""A worker draws the city officer's dashboard as it starts (app.warmup), so that its first
request reads and draws no more than the next one; and never breaks the start."""

from __future__ import annotations

import gc
import logging

import sqlalchemy as sa

from app.users.models import User
from app.warmup import warm_up
from reports.dashboards import services as q
from reports.dashboards import views


def charts_drawn() -> int:
    return views._bars_svg.cache_info().misses + views._grades_svg.cache_info().misses


def started(app) -> None:
    thresholds = gc.get_threshold()
    try:
        warm_up(app)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_first_dashboard_of_a_started_worker_draws_no_chart(app, db, regions, as_user,
                                                               make_contract):
    make_contract(status="active")
    views._bars_svg.cache_clear()
    views._grades_svg.cache_clear()
    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    started(app)
    assert charts_drawn() >= 2  # the contracts by status and by service type, at least
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users
    drawn = charts_drawn()
    for locale in ("zh_CN", "en"):
        browser, _u = as_user("officer", region="city", locale=locale)
        assert browser.get("/reports/dashboard").status_code == 200
    assert charts_drawn() == drawn


def test_a_database_that_fails_at_start_leaves_the_worker_cold_not_broken(app, db, regions,
                                                                         monkeypatch, caplog):
    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    for place in (q, views.db.session):  # down from the first statement, or from a later one
        with monkeypatch.context() as patch:
            patch.setattr(place, "officer_dashboard" if place is q else "scalar", down)
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="reports.dashboards.views"):
                started(app)
            assert "the city dashboard was not drawn at start" in caplog.text
