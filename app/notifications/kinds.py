"""The registry of notification kinds: a stable key stored on the row, a label for people.

Features add their kinds with :func:`register_kind` at import, next to the code that notifies.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    key: str
    label: str


KINDS: dict[str, Kind] = {}


def register_kind(key: str, label: str) -> str:
    """Declare a kind (idempotent) and return its key, to use as a constant."""
    KINDS.setdefault(key, Kind(key, label))
    return key


def label_for(key: str) -> str:
    kind = KINDS.get(key)
    return str(kind.label) if kind else key


SUBMISSION_DUE = register_kind("submission_due", _l("Submission due"))
SUBMISSION_OVERDUE = register_kind("submission_overdue", _l("Submission overdue"))
INSPECTION_DUE = register_kind("inspection_due", _l("Inspection due"))
CORRECTIVE_ACTION_DUE = register_kind("corrective_action_due", _l("Corrective action due"))
CONTRACT_EXPIRING = register_kind("contract_expiring", _l("Contract expiring"))
QUALIFICATION_EXPIRING = register_kind("qualification_expiring", _l("Qualification expiring"))
CAMPAIGN_CREATED = register_kind("campaign_created", _l("Campaign created"))
SURVEY_WINDOW = register_kind("survey_window", _l("Survey window"))
INSPECTION_OVERDUE = register_kind("inspection_overdue", _l("Inspection overdue"))
CORRECTIVE_ACTION_OVERDUE = register_kind("corrective_action_overdue",
                                          _l("Corrective action overdue"))
