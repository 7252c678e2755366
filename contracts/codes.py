"""The codes of providers, facilities, procurement and contracts (API.md "Codes"): the values
stored in their columns and accepted by the API and the forms."""

from __future__ import annotations

import enum


class ProviderKind(enum.StrEnum):
    SOCIAL_ORG = "social_org"
    PRIVATE_NONPROFIT = "private_nonprofit"
    FOUNDATION = "foundation"
    COMPANY = "company"
    OTHER = "other"


class ProviderStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEBARRED = "debarred"


class FacilityKind(enum.StrEnum):
    ELDERLY_HOME = "elderly_home"
    RURAL_HOME = "rural_home"
    CHILD_WELFARE = "child_welfare"


class Ward(enum.StrEnum):
    SELF_CARE = "self_care"
    SEMI_DISABLED = "semi_disabled"
    DISABLED = "disabled"


class ServiceType(enum.StrEnum):
    HOUSEHOLD_SURVEY = "household_survey"
    FACILITY_OPERATION = "facility_operation"
    ENTRUSTED_CARE = "entrusted_care"
    OTHER = "other"

    @property
    def code(self) -> str:
        """The two letters in a contract number: HS, FO, EC, OT."""
        return {"household_survey": "HS", "facility_operation": "FO",
                "entrusted_care": "EC", "other": "OT"}[self.value]


class ProcurementMethod(enum.StrEnum):
    OPEN_TENDER = "open_tender"
    COMPETITIVE_CONSULTATION = "competitive_consultation"
    SINGLE_SOURCE = "single_source"
    REQUEST_FOR_QUOTATION = "request_for_quotation"


class ProcurementStatus(enum.StrEnum):
    OPEN = "open"
    AWARDED = "awarded"
    CANCELLED = "cancelled"


class Reporting(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class ContractStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    TERMINATED = "terminated"
