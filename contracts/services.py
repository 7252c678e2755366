"""The contracts feature's public operations: the one door the HTML views, the JSON API, the
demo seed and the jobs all call. Operations flush, never commit; they raise ``app.errors``
domain errors (ValidationError 422, Conflict 409, NotFound 404).

The behaviour lives in small modules (providers, facilities, procurement, terms, lifecycle,
visibility); this module gathers the public functions of providers, facilities, procurements
and contracts. Lists are built in ``contracts.listing``.
"""

from __future__ import annotations

from contracts.facilities import (
    check_facility_writer,
    create_facility,
    current_operator,
    may_change_facility,
    operation_contract,
    update_facility,
    visible_operator,
)
from contracts.lifecycle import (
    REASON_REQUIRED,
    allowed_transitions,
    amend_contract,
    contract_timeline,
    transition_contract,
)
from contracts.payments import record_payment
from contracts.procurement import (
    award_bid,
    award_refusals,
    cancel_procurement,
    create_procurement,
    procurement_stamp,
    submit_bid,
    update_procurement,
    withdraw_bid,
)
from contracts.providers import (
    add_qualification,
    create_provider,
    expiring_qualifications,
    has_valid_qualification,
    is_expiring,
    may_change_provider,
    provider_accounts,
    remove_qualification,
    set_provider_status,
    status_history,
    update_provider,
)
from contracts.terms import (
    create_contract,
    set_payment_schedule,
    update_contract,
)
from contracts.visibility import (
    get_visible_contract,
    get_visible_facility,
    get_visible_procurement,
    get_visible_provider,
    visible_contracts,
    visible_facilities,
    visible_procurements,
    visible_providers,
)

__all__ = [
    # providers
    "create_provider", "update_provider", "set_provider_status", "status_history",
    "provider_accounts", "add_qualification", "remove_qualification", "has_valid_qualification",
    "is_expiring", "expiring_qualifications", "may_change_provider",
    # facilities
    "create_facility", "update_facility", "may_change_facility", "check_facility_writer",
    "current_operator", "visible_operator", "operation_contract",
    # procurement
    "create_procurement", "update_procurement", "cancel_procurement", "submit_bid",
    "withdraw_bid", "award_refusals", "award_bid", "procurement_stamp",
    # contracts
    "create_contract", "update_contract", "set_payment_schedule", "record_payment",
    "transition_contract", "allowed_transitions", "REASON_REQUIRED", "amend_contract",
    "contract_timeline",
    # what a user may see
    "visible_providers", "visible_facilities", "visible_procurements", "visible_contracts",
    "get_visible_provider", "get_visible_facility", "get_visible_procurement",
    "get_visible_contract",
]
