"""What each role sees first: counts of what they may see, each linking to its list.

Features add their own cards through :func:`card_source`, and their own HTML panels (a
template and its context, shown below the cards) through :func:`panel_source`, so the core
never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.audit.models import AuditLog
from app.extensions import db
from app.main import bp
from app.regions.models import Region
from app.users.models import Role, User

#: the order of the cards: what asks for someone's action first, then the figures
NEEDS_ACTION, FIGURE = 10, 100


@dataclass(frozen=True)
class Count:
    """The number of rows of ``stmt``, as a card's value: counted with every other card's in
    one statement (:func:`dashboard_for`)."""

    stmt: sa.Select


@dataclass(frozen=True)
class Card:
    title: str
    value: int | str | Count
    link: str | None = None
    #: smaller first; a card of work waiting (:data:`NEEDS_ACTION` + n) is highlighted when
    #: its count is not zero
    priority: int = FIGURE

    @property
    def needs_action(self) -> bool:
        return self.priority < FIGURE and bool(self.value)


CardSource = Callable[[User], list[Card]]
_sources: list[CardSource] = []


def card_source(fn: CardSource) -> CardSource:
    """Register a function giving a feature's cards for a user (decorator)."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def count(stmt: sa.Select) -> Count:
    return Count(stmt)


def _core_cards(user: User) -> list[Card]:
    cards = []
    if user.role is Role.ADMIN:
        cards.append(Card(_l("Users"), count(sa.select(User.id)), url_for("users.index")))
        cards.append(Card(_l("Audit entries"), count(sa.select(AuditLog.id)),
                          url_for("audit.index")))
        cards.append(Card(_l("Regions"), count(sa.select(Region.id)), url_for("regions.index"),
                          priority=FIGURE + 50))
    return cards


def dashboard_for(user: User) -> list[Card]:
    """The user's cards, what needs their action first (each feature's order kept)."""
    cards = _core_cards(user)
    for source in _sources:
        cards.extend(source(user))
    return sorted(_counted(cards), key=lambda card: card.priority)


def _counted(cards: list[Card]) -> list[Card]:
    """``cards``, each :class:`Count` replaced by its number: all of them in one statement of
    scalar subqueries, the home page being every user's first request (an administrator's
    sent fourteen statements, one per card)."""
    deferred = [card.value.stmt for card in cards if isinstance(card.value, Count)]
    if not deferred:
        return cards
    numbers = iter(db.session.execute(sa.select(*(
        sa.select(sa.func.count()).select_from(stmt.subquery()).scalar_subquery()
        for stmt in deferred))).one())
    return [replace(card, value=next(numbers)) if isinstance(card.value, Count) else card
            for card in cards]


# ---- panels ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """A feature's block on the home page: ``template`` rendered with ``context`` (as ``panel``)."""

    template: str
    context: dict = field(default_factory=dict)
    #: the Bootstrap column classes of the panel's box
    columns: str = "col-lg-4"


PanelSource = Callable[[User], list[Panel]]
_panel_sources: list[PanelSource] = []


def panel_source(fn: PanelSource) -> PanelSource:
    """Register a function giving a feature's home-page panels for a user (decorator).
    Keep it cheap: the home page is every user's first request."""
    if fn not in _panel_sources:
        _panel_sources.append(fn)
    return fn


@bp.app_template_global("home_panels")
def panels_for(user: User) -> list[Panel]:
    panels: list[Panel] = []
    for source in _panel_sources:
        panels.extend(source(user))
    return panels
