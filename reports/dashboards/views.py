"""The dashboard page of each role (/reports/dashboard) and the reports panel of the home page.

The queries are in :mod:`reports.dashboards.services`; this module only draws the charts
(server-side SVG with reportlab.graphics, the same code as the PDFs) and renders the page.
"""

from __future__ import annotations

import functools
import logging

import sqlalchemy as sa
from flask import render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock, warmup
from app.extensions import db
from app.main.dashboard import NEEDS_ACTION, Card, Panel, card_source, count, panel_source
from app.regions.services import root_region
from app.users.models import Role, User
from contracts.labels import CONTRACT_STATUS_LABELS, SERVICE_TYPE_LABELS
from evaluations.inspections.models import Grade
from evaluations.labels import (
    GRADE_LABELS,
    INSPECTION_STATUS_LABELS,
    SEVERITY_BADGES,
    SEVERITY_LABELS,
)
from reports import bp
from reports.dashboards import services as q
from reports.dashboards.sparklines import sparkline_svg
from reports.performance.decisions import decisions_due_stmt
from reports.performance.explain import score_text
from reports.scorecards.charts import (
    GRADE_COLOURS,
    bar_chart,
    score_timeline,
    stacked_bars,
    to_svg,
)

log = logging.getLogger(__name__)
FONT = "Helvetica"  # the browser picks a Chinese face for the text of the SVG
OFFICERS = (Role.OFFICER, Role.ADMIN)
#: providers the officer's dashboard ranks before a link to all of them
RANKING_SHOWN = 25


# A chart is drawn once per distinct content (reportlab takes ~10 ms a chart): the counts of
# a city change a few times a day, the dashboards are opened all day long.
@functools.lru_cache(maxsize=256)
def _bars_svg(labels: tuple[str, ...], values: tuple[int, ...]) -> str:
    return to_svg(bar_chart(list(labels), list(values), font=FONT))


@functools.lru_cache(maxsize=64)
def _grades_svg(counties: tuple[str, ...], series: tuple[tuple[str, str, tuple[int, ...]], ...]
                ) -> str:
    return to_svg(stacked_bars(list(counties), [(label, list(values), GRADE_COLOURS[grade])
                                                for grade, label, values in series], font=FONT))


@functools.lru_cache(maxsize=256)
def _timeline_svg(days: tuple, scores: tuple[float, ...]) -> str:
    return to_svg(score_timeline(list(days), list(scores), font=FONT))


def _bars(counts: list[tuple[str, int]], labels: dict) -> str:
    return _bars_svg(tuple(str(labels.get(code, code)) for code, _ in counts),
                     tuple(n for _, n in counts))


def _spark(values) -> str:
    known = " · ".join(score_text(v) for v in values)
    return sparkline_svg([None if v is None else float(v) for v in values],
                         label=_("Trend by quarter: %(values)s", values=known))


def officer_page(user: User, all_providers: bool = False) -> str:
    data, charts = _officer_figures(user, all_providers)
    return render_template("reports/dashboard_officer.html", d=data, charts=charts)


def _officer_figures(user: User, all_providers: bool = False) -> tuple[dict, dict]:
    data = q.officer_dashboard(user)
    # a city has hundreds of providers: the best ones, and all of them on asking
    data["ranked"] = len(data["ranking"])
    if not all_providers:
        data["ranking"] = data["ranking"][:RANKING_SHOWN]
    grades = data["grades"]
    charts = {
        "status": _bars(data["by_status"], CONTRACT_STATUS_LABELS),
        "service_type": _bars(data["by_service_type"], SERVICE_TYPE_LABELS),
        "grades": _grades_svg(
            tuple(c.county for c in grades),
            tuple((g.value, str(GRADE_LABELS[g]), tuple(c.grades[g.value] for c in grades))
                  for g in Grade)) if grades else "",
        "sparklines": {r.provider_id: _spark(r.trend) for r in data["ranking"]},
    }
    return data, charts


@warmup.step
def _draw_the_city_dashboard(app) -> None:
    """Each worker reads and draws the city officer's dashboard once as it starts, in every
    language: its first request otherwise compiled ten statements and drew three charts
    (250 ms at city scale against 90 for the next, measured). Reads only; a database that
    is not there yet only leaves the worker cold."""
    try:
        city = root_region()
        if city is None:
            return
        officer = User(role=Role.OFFICER, region=city)  # never added to the session
        for locale in app.config.get("LANGUAGES", ()):
            with force_locale(locale):  # read in each: the figures hold names in it too
                _officer_figures(officer)
    except sa.exc.SQLAlchemyError:
        log.warning("the city dashboard was not drawn at start", exc_info=True)
    finally:
        db.session.rollback()


def inspector_page(user: User) -> str:
    data = q.inspector_dashboard(user)
    charts = {"status": _bars(data["by_status"], INSPECTION_STATUS_LABELS)}
    return render_template("reports/dashboard_inspector.html", d=data, charts=charts)


def provider_page(user: User) -> str:
    data = q.provider_dashboard(user)
    scores = data["scores"]
    charts = {
        "scores": _timeline_svg(tuple(day for day, _ in scores),
                                tuple(float(total) for _, total in scores)) if scores else "",
        "sparklines": {t.contract.id: _spark(t.composites) for t in data["trends"]},
    }
    return render_template("reports/dashboard_provider.html", d=data, charts=charts)


@bp.route("/dashboard")
@login_required
def dashboard():
    if current_user.role in OFFICERS:
        return officer_page(current_user, all_providers=request.args.get("ranking") == "all")
    if current_user.role is Role.INSPECTOR:
        return inspector_page(current_user)
    return provider_page(current_user)


# ---- the home page: a short panel, cheap queries only (the ranking stays on the dashboard) --

@card_source
def decision_cards(user: User) -> list[Card]:
    """Payment decisions waiting for an officer: one COUNT."""
    if user.role not in OFFICERS:
        return []
    return [Card(_l("Payment decisions due"), count(decisions_due_stmt(user)),
                 url_for("reports.dashboard"), priority=NEEDS_ACTION + 4)]


@panel_source
def reports_panel(user: User) -> list[Panel]:
    today = clock.today()
    context: dict = {"dashboard_url": url_for("reports.dashboard"),
                     "exports_url": url_for("reports.exports")}
    if user.role in OFFICERS:
        context |= {"expiring": q.count_of(q.expiring_contracts_stmt(user, today)),
                    "inspections_due": q.count_of(q.inspections_due_stmt(user, today))}
    elif user.role is Role.INSPECTOR:
        context |= {"upcoming": q.inspector_dashboard(user, today, limit=5)["upcoming"]}
    else:
        context |= {"actions": q.open_actions(user)[:5], "severity_labels": SEVERITY_LABELS,
                    "severity_badges": SEVERITY_BADGES}
    return [Panel("reports/dashboard_home_panel.html", context)]
