"""Operations on providers; they flush, never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.main.dashboard import Card, card_source, count
from app.users.models import Role, User
from contracts.models import Provider


@card_source
def provider_cards(user: User) -> list[Card]:
    if user.role in (Role.ADMIN, Role.OFFICER):
        return [Card(_l("Providers"), count(sa.select(Provider.id)),
                     url_for("contracts.providers"))]
    if user.role is Role.PROVIDER and user.provider_id:
        from app.extensions import db

        provider = db.session.get(Provider, user.provider_id)
        return [Card(_l("My organization"), provider.name if provider else "—")]
    return []
