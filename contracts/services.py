"""The contracts feature's public operations: the one door the HTML views, the JSON API, the
demo seed and the jobs all call. Operations flush, never commit; they raise ``app.errors``
domain errors (ValidationError 422, Conflict 409, NotFound 404).

The behaviour lives in small modules (providers, facilities, procurement, terms, lifecycle,
numbering, visibility); this module gathers their public functions.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.main.dashboard import Card, card_source, count
from app.users.models import Role, User
from contracts.facilities import (  # noqa: F401
    create_facility,
    current_operator,
    operation_contract,
    update_facility,
)
from contracts.lifecycle import (  # noqa: F401
    ALLOWED_TRANSITIONS,
    REASON_REQUIRED,
    allowed_transitions,
    amend_contract,
    overlapping_operation,
    transition_contract,
)
from contracts.models import Provider
from contracts.numbering import next_contract_number  # noqa: F401
from contracts.procurement import (  # noqa: F401
    award_bid,
    award_refusals,
    cancel_procurement,
    create_procurement,
    submit_bid,
    update_procurement,
    withdraw_bid,
)
from contracts.providers import (  # noqa: F401
    EXPIRY_WARNING_DAYS,
    add_qualification,
    create_provider,
    expiring_qualifications,
    has_valid_qualification,
    is_expiring,
    remove_qualification,
    set_provider_status,
    update_provider,
)
from contracts.terms import (  # noqa: F401
    MAX_YEARS,
    TARGET_KEYS,
    create_contract,
    default_schedule,
    last_allowed_end,
    record_payment,
    set_payment_schedule,
    update_contract,
)
from contracts.visibility import (  # noqa: F401
    get_visible_contract,
    get_visible_facility,
    get_visible_procurement,
    get_visible_provider,
    visible_contracts,
    visible_facilities,
    visible_procurements,
    visible_providers,
)


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
