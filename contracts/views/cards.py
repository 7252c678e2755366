"""The home page's cards of the contracts feature: contracts, reports and providers, by role."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.main.dashboard import NEEDS_ACTION, Card, card_source, count
from app.users.models import Role, User
from contracts import STAFF
from contracts.listing import RUNNING
from contracts.models import Contract, ContractStatus, Provider
from contracts.submissions import services as subs
from contracts.visibility import get_visible_provider, visible_contracts, visible_providers

EXPIRY_CARD_DAYS = 90


@card_source
def contract_cards(user: User) -> list[Card]:
    link = url_for("contracts.contracts", status="active")
    if user.role in STAFF:
        active, draft, expiring = _contract_counts(user)
        return [
            Card(_l("Active contracts"), active, link),
            Card(_l("Draft contracts"), draft, url_for("contracts.contracts", status="draft")),
            Card(_l("Contracts expiring within 90 days"), expiring,
                 url_for("contracts.contracts", expiring=EXPIRY_CARD_DAYS, sort="end_date")),
        ]
    if user.role is Role.PROVIDER:
        active = visible_contracts(user).with_only_columns(Contract.id).where(
            Contract.status == ContractStatus.ACTIVE)
        return [Card(_l("My active contracts"), count(active), link)]
    return []


def _contract_counts(user: User) -> tuple[int, int, int]:
    """Active, draft, and running (active or suspended: a suspended contract ends all the same)
    ending within EXPIRY_CARD_DAYS, as the list it links to and the reminders count: one
    statement, since the home page is every officer's first request."""
    today = clock.today()
    rows = visible_contracts(user).with_only_columns(Contract.status, Contract.end_date)
    rows = rows.subquery()
    active = rows.c.status == ContractStatus.ACTIVE
    counts = db.session.execute(sa.select(
        sa.func.count().filter(active),
        sa.func.count().filter(rows.c.status == ContractStatus.DRAFT),
        sa.func.count().filter(rows.c.status.in_(RUNNING), rows.c.end_date.between(
            today, today + timedelta(days=EXPIRY_CARD_DAYS))))).one()
    return tuple(counts)


@card_source
def submission_cards(user: User) -> list[Card]:
    if user.role is Role.PROVIDER:
        overview = subs.provider_overview(user)
        link = url_for("contracts.my_reports")
        return [Card(_l("Reports overdue"), len(overview["overdue"]), link,
                     priority=NEEDS_ACTION),
                Card(_l("Reports returned"), len(overview["returned"]), link,
                     priority=NEEDS_ACTION + 1),
                Card(_l("Reports due"), len(overview["due"]), link)]
    if user.role in STAFF:
        return [Card(_l("Reports awaiting review"), count(subs.review_queue_stmt(user)),
                     url_for("contracts.review_queue"), priority=NEEDS_ACTION)]
    return []


@card_source
def provider_cards(user: User) -> list[Card]:
    if user.role in STAFF:
        return [Card(_l("Providers"),
                     count(visible_providers(user).with_only_columns(Provider.id)),
                     url_for("contracts.providers"))]
    if user.role is Role.PROVIDER and user.provider_id:
        return [Card(_l("My organization"),
                     get_visible_provider(user, user.provider_id).name)]
    return []
