"""Scorecards as PDF bytes (of an inspection, of a contract's performance) and their codes.

Both kinds carry a verification code checked by the public ``/verify/<code>`` page. An
inspection's code is its own; a performance scorecard's code names the figures it printed
(contract, period, composite, grade, share, decision, vetoes, appeals): printing the same
figures again gives the same code, and the page says whether the figures still hold.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from app import clock
from app.errors import ValidationError
from app.extensions import db
from app.users.models import User
from contracts.models import Contract
from evaluations.inspections.models import Inspection
from reports.appeals.services import appeals_of_inspection, appeals_of_period, is_pending
from reports.performance.decisions import active_decision
from reports.performance.figures import kept_trend
from reports.performance.services import Performance, contract_performance
from reports.scorecards.data import appeal_lines, load_for_scorecard, scorecard_data
from reports.scorecards.fonts import cjk_font
from reports.scorecards.models import PerformanceCard
from reports.scorecards.pdf import inspection_scorecard, performance_scorecard

_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#: longer than an inspection's 10 characters, so the two kinds of code never meet
CARD_CODE_LENGTH = 12


def viewer_language() -> str:
    return "zh_CN" if str(get_locale()).startswith("zh") else "en"


def base_url() -> str:
    """Where users reach the app (config BASE_URL; `make run` sets it from HOST and PORT)."""
    return current_app.config["BASE_URL"].rstrip("/")


def verify_url(code: str) -> str:
    # built without a request: batches and the CLI print scorecards too
    path = current_app.url_map.bind("").build("reports.verify", {"code": code})
    return base_url() + path


def inspection_scorecard_pdf(inspection: Inspection,
                             city_means: dict[int, Decimal] | None = None) -> bytes:
    """The scorecard of one inspection, labelled in the viewer's language."""
    inspection = load_for_scorecard(inspection.id)
    data = scorecard_data(inspection, viewer_language(), city_means)
    data.appeals = appeal_lines(appeals_of_inspection(inspection), viewer_language())
    return inspection_scorecard(
        data, font=cjk_font(current_app.config.get("PDF_CJK_FONT")),
        bureau=current_app.config["BUREAU_NAME"],
        verify_url=verify_url(data.verification_code))


def scorecard_filename(inspection: Inspection) -> str:
    return f"scorecard-{inspection.id}-{inspection.verification_code}.pdf"


def inspection_by_code(code: str) -> Inspection | None:
    return db.session.scalar(sa.select(Inspection).where(
        Inspection.verification_code == (code or "").strip().upper()))


def card_by_code(code: str) -> PerformanceCard | None:
    return db.session.scalar(sa.select(PerformanceCard).where(
        PerformanceCard.code == (code or "").strip().upper()))


def fingerprint(contract: Contract, performance: Performance, decision, appeals, *,
                legacy: bool = False) -> str:
    """A digest of what a performance scorecard prints that decides money: the amounts too
    (an amendment of the contract's amount changes the installment and what the grade
    allows, and a card printing the old ones was still called current). ``legacy``: the
    digest of the cards issued before the amounts counted."""
    parts = [contract.id, performance.period, performance.rounded("composite"),
             performance.grade, performance.payment_share,
             [(f.inspection_id, f.item_id) for f in performance.failed_critical],
             None if decision is None else (decision.id, str(decision.amount)),
             [(a.id, a.status.value) for a in appeals]]
    if not legacy:
        parts.append((str(performance.linked_amount), str(performance.payable_amount)))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _new_card_code() -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _i in range(CARD_CODE_LENGTH))
        if card_by_code(code) is None:
            return code


def issue_card(contract: Contract, performance: Performance, decision, appeals,
               user: User | None) -> PerformanceCard:
    """The card of these figures: the one issued before, or a new code."""
    digest = fingerprint(contract, performance, decision, appeals)
    lookup = sa.select(PerformanceCard).where(
        PerformanceCard.contract_id == contract.id, PerformanceCard.period == performance.period,
        PerformanceCard.fingerprint == digest)
    card = db.session.scalar(lookup)
    if card is not None:
        return card
    card = PerformanceCard(
        code=_new_card_code(), contract_id=contract.id, period=performance.period,
        composite=performance.rounded("composite"), grade=performance.grade,
        payment_share=performance.payment_share,
        decision_id=decision.id if decision is not None else None, fingerprint=digest,
        issued_by_id=getattr(user, "id", None))
    # two downloads at once issue the same figures: the second insert loses to the unique
    # figures constraint and takes the first one's code
    try:
        with db.session.begin_nested():
            db.session.add(card)
            db.session.flush()
    except sa.exc.IntegrityError:
        return db.session.scalars(lookup).one()
    return card


def card_is_current(card: PerformanceCard) -> bool:
    """Whether the figures printed on ``card`` are still today's."""
    contract = card.contract
    try:
        performance = contract_performance(contract, card.period)
    except ValidationError:  # amended, the contract no longer runs in the card's period
        return False
    figures = (contract, performance, active_decision(contract),
               appeals_of_period(contract, performance))
    if card.fingerprint == fingerprint(*figures):
        return True
    # a card issued before its digest named the amounts printed the amounts of its day:
    # current while the contract's amount was not amended since
    return card.fingerprint == fingerprint(*figures, legacy=True) and not any(
        "amount" in (a.changes or {}) and a.at >= card.issued_at for a in contract.amendments)


def performance_scorecard_pdf(contract: Contract, period: str | None = None,
                              user: User | None = None) -> bytes:
    """The performance scorecard of a contract for a period (the contract's first year by
    default), with its verification code."""
    locale = viewer_language()
    performance = contract_performance(contract, period, locale=locale)
    decision = active_decision(contract)
    appeals = appeals_of_period(contract, performance)
    card = issue_card(contract, performance, decision, appeals, user)
    return performance_scorecard(
        contract=contract, performance=performance, trend=kept_trend(contract, clock.today()),
        decision=decision, pending=decision is not None and is_pending(decision),
        appeals=appeal_lines(appeals, locale),
        font=cjk_font(current_app.config.get("PDF_CJK_FONT")),
        bureau=current_app.config["BUREAU_NAME"], code=card.code,
        verify_url=verify_url(card.code))


def performance_scorecard_filename(contract: Contract, period: str | None) -> str:
    return f"performance-{contract.number}-{period or 'all'}.pdf"
