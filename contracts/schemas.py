"""Marshmallow schemas of the contracts API: what goes in (``*In``) and what comes out.

Input schemas only check types and shapes (unknown fields → 422 naming them); the rules live
in the services, whose ``ValidationError`` names the same fields. Output money is a decimal
string with two places.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.api.auth import api_user
from app.api.schemas import PageArgs, revision_in, revision_out
from app.extensions import db
from app.users.models import User
from contracts.facilities import visible_operator
from contracts.listing import (
    CONTRACT_SORTS,
    FACILITY_SORTS,
    PROCUREMENT_SORTS,
    PROVIDER_SORTS,
    sort_choices,
)
from contracts.models import (
    ContractStatus,
    FacilityKind,
    ProcurementMethod,
    ProcurementStatus,
    ProviderKind,
    ProviderStatus,
    Reporting,
    ServiceType,
    Ward,
)


def _enum(cls, **kwargs) -> ma.fields.Enum:
    return ma.fields.Enum(cls, by_value=True, **kwargs)


def _sort(sorts: dict, default: str) -> ma.fields.String:
    """The ``sort`` of a list: a key, or ``-key`` for descending (the HTML list's keys)."""
    return ma.fields.String(validate=ma.validate.OneOf(sort_choices(sorts)), metadata={
        "description": f"a key, \"-\" first for descending; default {default}"})


def _id_filter(**kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(min=0, max=2**31 - 1), **kwargs)


def _money_in(**kwargs) -> ma.fields.Decimal:
    """Yuan, as a string ("120000.00") or a number; at most two decimals (checked by the
    services, never rounded here)."""
    return ma.fields.Decimal(as_string=True, metadata={
        "type": "string", "example": "120000.00",
        "description": "yuan, a decimal string with at most two places (a number is accepted)"},
        **kwargs)


def _money_out(**kwargs) -> ma.fields.Decimal:
    return ma.fields.Decimal(as_string=True, places=2, dump_only=True,
                             metadata={"type": "string", "example": "120000.00",
                                       "description": "yuan, two decimal places"}, **kwargs)


class PartialSchema(ma.Schema):
    """A PATCH body: the fields of the create schema, none required."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)


class Ref(ma.Schema):
    """A reference to another record."""

    id = ma.fields.Integer()
    name = ma.fields.String()


def _actor(obj: Any) -> dict | None:
    user = db.session.get(User, obj.actor_id) if obj.actor_id else None
    return {"id": user.id, "name": user.name or user.email} if user else None


# ---- providers ---------------------------------------------------------------------------

class ProviderIn(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "registered name"})
    credit_code = ma.fields.String(required=True, metadata={
        "description": "统一社会信用代码, 18 characters with a GB 32100 check character"})
    kind = _enum(ProviderKind, required=True)
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    contact_email = ma.fields.String()
    address = ma.fields.String()


class ProviderPatch(PartialSchema, ProviderIn):
    revision = revision_in()


class QualificationIn(ma.Schema):
    cert_type = ma.fields.String(required=True, metadata={
        "description": "e.g. 民办非企业单位登记证书"})
    number = ma.fields.String(required=True)
    issuer = ma.fields.String()
    valid_until = ma.fields.Date(allow_none=True, metadata={
        "description": "last valid day; null = no expiry"})


class QualificationOut(ma.Schema):
    id = ma.fields.Integer()
    cert_type = ma.fields.String()
    number = ma.fields.String()
    issuer = ma.fields.String()
    valid_until = ma.fields.Date(allow_none=True)


class ProviderOut(ma.Schema):
    id = ma.fields.Integer()
    revision = revision_out()
    name = ma.fields.String()
    credit_code = ma.fields.String()
    kind = _enum(ProviderKind)
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    contact_email = ma.fields.String()
    address = ma.fields.String()
    status = _enum(ProviderStatus, metadata={
        "description": "suspended or debarred providers cannot be awarded or activated"})
    status_reason = ma.fields.String()
    status_changed_at = ma.fields.AwareDateTime(allow_none=True)
    qualifications = ma.fields.List(ma.fields.Nested(QualificationOut))


class ProviderStatusIn(ma.Schema):
    status = _enum(ProviderStatus, required=True)
    reason = ma.fields.String(required=True, metadata={"description": "why (required)"})


class ProviderArgs(PageArgs):
    q = ma.fields.String(metadata={"description": "name or credit code contains"})
    kind = _enum(ProviderKind)
    status = _enum(ProviderStatus)
    sort = _sort(PROVIDER_SORTS, "name")


# ---- facilities --------------------------------------------------------------------------

class FacilityIn(ma.Schema):
    name = ma.fields.String(required=True)
    kind = _enum(FacilityKind, required=True)
    region_code = ma.fields.String(required=True, metadata={
        "description": "inside the caller's region"})
    beds = ma.fields.Integer(allow_none=True, metadata={
        "description": "total beds; default the sum of ward_beds"})
    wards = ma.fields.List(_enum(Ward), metadata={"description": "the wards it has"})
    ward_beds = ma.fields.Dict(keys=_enum(Ward), values=ma.fields.Integer(), metadata={
        "description": "extension: beds per ward, e.g. {\"self_care\": 40}"})
    address = ma.fields.String()
    opened_on = ma.fields.Date(allow_none=True)
    latitude = ma.fields.Decimal(allow_none=True, as_string=False, metadata={
        "description": "WGS-84 degrees north, -90..90; with longitude or not at all"})
    longitude = ma.fields.Decimal(allow_none=True, as_string=False, metadata={
        "description": "WGS-84 degrees east, -180..180"})


class FacilityPatch(PartialSchema, FacilityIn):
    revision = revision_in()


class FacilityOut(ma.Schema):
    id = ma.fields.Integer()
    revision = revision_out()
    name = ma.fields.String()
    kind = _enum(FacilityKind)
    region_code = ma.fields.Function(lambda f: f.region.code)
    beds = ma.fields.Integer()
    wards = ma.fields.Function(lambda f: [w.value for w in Ward if w.value in f.ward_beds])
    ward_beds = ma.fields.Function(lambda f: {w.value: f.ward_beds[w.value] for w in Ward
                                              if w.value in f.ward_beds})
    address = ma.fields.String()
    opened_on = ma.fields.Date(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    current_operator = ma.fields.Method("get_current_operator", allow_none=True, metadata={
        "description": "{id, name} of the provider operating it today under an active "
                       "contract, or null"})

    def get_current_operator(self, facility) -> dict | None:
        operator = visible_operator(api_user(), facility)
        return None if operator is None else {"id": operator.id, "name": operator.name}


class FacilityArgs(PageArgs):
    q = ma.fields.String(metadata={"description": "name or address contains"})
    kind = _enum(FacilityKind)
    region_code = ma.fields.String(metadata={"description": "in this region or below"})
    sort = _sort(FACILITY_SORTS, "name")


# ---- contracts ---------------------------------------------------------------------------

class InstallmentIn(ma.Schema):
    share_percent = ma.fields.Decimal(as_string=True, required=True)
    due_date = ma.fields.Date(required=True)
    performance_linked = ma.fields.Boolean(metadata={"description": "exactly the last"})


class InstallmentOut(ma.Schema):
    seq = ma.fields.Integer()
    share_percent = ma.fields.Decimal(as_string=True, places=2, metadata={
        "type": "string", "description": "percent of the amount, e.g. \"50.00\""})
    due_date = ma.fields.Date()
    performance_linked = ma.fields.Boolean()
    amount = _money_out()
    paid_at = ma.fields.AwareDateTime(allow_none=True)
    paid_amount = _money_out(allow_none=True)


TARGETS_HELP = ("household_survey {households}; facility_operation {beds, occupancy ≤ 100}; "
                "entrusted_care {children}; other: any name. Values > 0.")


class ContractIn(ma.Schema):
    title = ma.fields.String(required=True)
    service_type = _enum(ServiceType, required=True)
    provider_id = ma.fields.Integer(required=True, metadata={
        "description": "an active provider"})
    facility_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "required for facility_operation; inside the region"})
    region_code = ma.fields.String(required=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True, metadata={
        "description": "last day of service (inclusive); at most 3 years after the start"})
    amount = _money_in(required=True)
    reporting = _enum(Reporting)
    targets = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), allow_none=True,
                             metadata={"description": TARGETS_HELP})
    weights = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), allow_none=True,
                             metadata={"description": "inspection, timeliness, targets; "
                                                      "whole numbers summing to 100"})
    report_due_days = ma.fields.Integer(metadata={"description": "0–90, default 10"})
    installments = ma.fields.List(ma.fields.Nested(InstallmentIn), metadata={
        "description": "payment schedule; default 50 % at start, 50 % performance-linked "
                       "30 days after the end"})


class ContractPatch(PartialSchema, ContractIn):
    revision = revision_in()


class ContractOut(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String(metadata={"description": "e.g. XN-2026-HS-0007"})
    status = _enum(ContractStatus)
    version = ma.fields.Integer(metadata={"description": "1, +1 per amendment"})
    revision = revision_out()
    title = ma.fields.String()
    service_type = _enum(ServiceType)
    provider_id = ma.fields.Integer()
    provider = ma.fields.Nested(Ref)
    facility_id = ma.fields.Integer(allow_none=True)
    region_code = ma.fields.Function(lambda c: c.region.code)
    procurement_id = ma.fields.Integer(allow_none=True)
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    amount = _money_out()
    reporting = _enum(Reporting)
    report_due_days = ma.fields.Integer()
    targets = ma.fields.Dict()
    weights = ma.fields.Dict()
    installments = ma.fields.List(ma.fields.Nested(InstallmentOut))


class ContractArgs(PageArgs):
    status = _enum(ContractStatus)
    service_type = _enum(ServiceType)
    region_code = ma.fields.String(metadata={"description": "in this region or below"})
    provider_id = _id_filter()
    facility_id = _id_filter()
    expiring_within_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=36500),
                                             metadata={
        "description": "active or suspended, ending between today and today + N days"})
    q = ma.fields.String(metadata={"description": "number, title or provider name contains"})
    sort = _sort(CONTRACT_SORTS, "-number")


class TransitionIn(ma.Schema):
    to = _enum(ContractStatus, required=True, metadata={
        "description": "draft→active; active→suspended|completed|terminated; "
                       "suspended→active|terminated"})
    reason = ma.fields.String(metadata={"description": "required for suspended, terminated"})
    revision = revision_in()


class TransitionOut(ma.Schema):
    from_ = _enum(ContractStatus, attribute="from_status", data_key="from")
    to = _enum(ContractStatus, attribute="to_status")
    at = ma.fields.AwareDateTime()
    reason = ma.fields.String()
    actor = ma.fields.Function(_actor, metadata={"description": "{id, name} or null"})


class AmendmentIn(ma.Schema):
    reason = ma.fields.String(required=True)
    amount = _money_in()
    end_date = ma.fields.Date()
    targets = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(),
                             metadata={"description": TARGETS_HELP})
    revision = revision_in()


class AmendmentOut(ma.Schema):
    version = ma.fields.Integer(metadata={"description": "the version it produced"})
    changes = ma.fields.Dict(metadata={"description": "{field: [old, new]}"})
    reason = ma.fields.String()
    at = ma.fields.AwareDateTime()
    actor = ma.fields.Function(_actor, metadata={"description": "{id, name} or null"})


# ---- procurement -------------------------------------------------------------------------

class ProcurementIn(ma.Schema):
    title = ma.fields.String(required=True)
    service_type = _enum(ServiceType, required=True)
    region_code = ma.fields.String(required=True)
    budget = _money_in(required=True)
    method = _enum(ProcurementMethod, required=True)
    justification = ma.fields.String(metadata={"description": "required for single_source"})
    facility_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "required for facility_operation"})
    published_on = ma.fields.Date(allow_none=True)
    bid_deadline = ma.fields.Date(allow_none=True)


class BidIn(ma.Schema):
    provider_id = ma.fields.Integer(required=True)
    price = _money_in(required=True)
    technical_score = ma.fields.Decimal(as_string=True, allow_none=True, metadata={
        "description": "0–100"})
    notes = ma.fields.String()


class BidOut(ma.Schema):
    id = ma.fields.Integer()
    procurement_id = ma.fields.Integer()
    provider = ma.fields.Nested(Ref)
    price = _money_out()
    technical_score = ma.fields.Decimal(as_string=True, places=2, allow_none=True,
                                        metadata={"type": "string"})
    notes = ma.fields.String()
    awarded = ma.fields.Boolean()


class ProcurementOut(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    service_type = _enum(ServiceType)
    region_code = ma.fields.Function(lambda p: p.region.code)
    facility_id = ma.fields.Integer(allow_none=True)
    budget = _money_out()
    method = _enum(ProcurementMethod)
    justification = ma.fields.String()
    published_on = ma.fields.Date(allow_none=True)
    bid_deadline = ma.fields.Date(allow_none=True)
    awarded_on = ma.fields.Date(allow_none=True)
    status = _enum(ProcurementStatus)
    cancel_reason = ma.fields.String()
    bids = ma.fields.List(ma.fields.Nested(BidOut))


class ProcurementArgs(PageArgs):
    q = ma.fields.String(metadata={"description": "title contains"})
    status = _enum(ProcurementStatus)
    service_type = _enum(ServiceType)
    method = _enum(ProcurementMethod)
    region_code = ma.fields.String(metadata={"description": "in this region or below"})
    sort = _sort(PROCUREMENT_SORTS, "-created")


class AwardIn(ma.Schema):
    start_date = ma.fields.Date(metadata={"description": "default: today"})
    end_date = ma.fields.Date(metadata={"description": "default: one year less a day"})


class CancelIn(ma.Schema):
    reason = ma.fields.String(required=True)
