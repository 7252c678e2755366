"""Scorecards as PDF bytes (of an inspection, of a contract's performance) and their codes."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from app.extensions import db
from contracts.models import Contract
from evaluations.inspections.models import Inspection
from reports.performance.services import contract_performance, decision_for, quarterly_trend
from reports.scorecards.data import load_for_scorecard, scorecard_data
from reports.scorecards.fonts import cjk_font
from reports.scorecards.pdf import inspection_scorecard, performance_scorecard


def viewer_language() -> str:
    return "zh_CN" if str(get_locale()).startswith("zh") else "en"


def verify_url(code: str) -> str:
    # built without a request: batches and the CLI print scorecards too
    path = current_app.url_map.bind("").build("reports.verify", {"code": code})
    return current_app.config["BASE_URL"].rstrip("/") + path


def inspection_scorecard_pdf(inspection: Inspection,
                             city_means: dict[int, Decimal] | None = None) -> bytes:
    """The scorecard of one inspection, labelled in the viewer's language."""
    inspection = load_for_scorecard(inspection.id)
    data = scorecard_data(inspection, viewer_language(), city_means)
    return inspection_scorecard(
        data, font=cjk_font(current_app.config.get("PDF_CJK_FONT")),
        bureau=current_app.config["BUREAU_NAME"],
        verify_url=verify_url(data.verification_code))


def scorecard_filename(inspection: Inspection) -> str:
    return f"scorecard-{inspection.id}-{inspection.verification_code}.pdf"


def inspection_by_code(code: str) -> Inspection | None:
    return db.session.scalar(sa.select(Inspection).where(
        Inspection.verification_code == (code or "").strip().upper()))


def performance_scorecard_pdf(contract: Contract, period: str | None = None) -> bytes:
    """The performance scorecard of a contract for a period (the whole contract by default)."""
    performance = contract_performance(contract, period)
    return performance_scorecard(
        contract=contract, performance=performance, trend=quarterly_trend(contract),
        decision=decision_for(contract, performance.period),
        font=cjk_font(current_app.config.get("PDF_CJK_FONT")),
        bureau=current_app.config["BUREAU_NAME"])


def performance_scorecard_filename(contract: Contract, period: str | None) -> str:
    return f"performance-{contract.number}-{period or 'all'}.pdf"
