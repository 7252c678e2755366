"""Providers (承接主体), their qualifications, status history and user accounts. Operations
flush, never commit.

Who writes: registering a provider is open to every officer. A provider is city-wide, so
changing it (its fields, its status, its qualifications) would reach into every county it
works in: that is for admins, officers of the city (root) region, and officers whose region
contains every contract and every bid of the provider (``may_change_provider``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.audit.models import AuditLog
from app.errors import Conflict, Forbidden, ValidationError
from app.extensions import db
from app.integrity import explain
from app.scoping import region_subtree, sees_all_regions
from app.unit_of_work import claim_row
from app.users.models import Role, User
from contracts.common import Errors, add, as_date, as_enum, raise_if, text
from contracts.credit_code import InvalidCreditCode, validate_credit_code
from contracts.models import (
    Bid,
    Contract,
    Procurement,
    Provider,
    ProviderKind,
    ProviderStatus,
    Qualification,
)

#: a qualification this close to its end is flagged
EXPIRY_WARNING_DAYS = 60

CREDIT_CODE_TAKEN = _l("Another provider already has this credit code.")
explain("providers", ("credit_code",), field="credit_code", message=CREDIT_CODE_TAKEN)

_PROVIDER_FIELDS = ("name", "credit_code", "kind", "contact_name", "contact_phone",
                    "contact_email", "address")


def may_change_provider(user: User | None, provider: Provider) -> bool:
    """Whether ``user`` may change ``provider`` (``None``: the system, as the seed)."""
    if user is None or sees_all_regions(user):  # the system, an admin, the city bureau
        return True
    if user.role is not Role.OFFICER or user.region is None:
        return False
    inside = region_subtree(user.region)
    elsewhere = sa.union_all(
        sa.select(Contract.id).where(Contract.provider_id == provider.id,
                                     Contract.region_id.not_in(inside)),
        sa.select(Bid.id).join(Bid.procurement).where(Bid.provider_id == provider.id,
                                                      Procurement.region_id.not_in(inside)))
    return db.session.scalar(sa.select(sa.exists(elsewhere))) is False


def check_provider_writer(actor: User | None, provider: Provider) -> None:
    """Refuse ``actor`` unless they may change ``provider``, judged on the provider held so
    that a bid another county records at the same instant (holding it too) is counted:
    unseen, a county suspended a provider another county was about to award."""
    claim_row(provider, lambda: _refuse_unless_writer(actor, provider))


def _refuse_unless_writer(actor: User | None, provider: Provider) -> None:
    if not may_change_provider(actor, provider):
        raise Forbidden(_("This provider also works outside your region: only an administrator "
                          "or an officer of the city, or of a region holding all its contracts "
                          "and bids, may change it."))


def _check_credit_code(value: Any, errors: Errors, provider: Provider | None) -> str | None:
    try:
        code = validate_credit_code(str(value or "").strip().upper())
    except InvalidCreditCode as error:
        add(errors, "credit_code", _("Invalid unified social credit code: %(why)s.",
                                     why=str(error)))
        return None
    return code


def _refuse_taken_credit_code(code: str | None, provider: Provider | None) -> None:
    """A credit code already used is a clash (409), as when two saves of it meet in the
    database's unique key."""
    if code is None:
        return
    clash = db.session.scalar(sa.select(Provider.id).where(Provider.credit_code == code))
    if clash is not None and (provider is None or clash != provider.id):
        message = str(CREDIT_CODE_TAKEN)
        raise Conflict(message, {"credit_code": [message]})


def _provider_values(data: dict[str, Any], errors: Errors,
                     provider: Provider | None) -> dict[str, Any]:
    unknown = set(data) - set(_PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"unknown provider fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    if "name" in data:
        values["name"] = text(data["name"], "name", errors, max_length=200, required=True)
    if "credit_code" in data:
        values["credit_code"] = _check_credit_code(data["credit_code"], errors, provider)
    if "kind" in data:
        values["kind"] = as_enum(ProviderKind, data["kind"], "kind", errors)
    for field, length in (("contact_name", 100), ("contact_phone", 40),
                          ("contact_email", 254), ("address", 300)):
        if field in data:
            values[field] = text(data[field], field, errors, max_length=length)
    return values


def create_provider(*, name: str, credit_code: str, kind: ProviderKind | str,
                    contact_name: str = "", contact_phone: str = "", contact_email: str = "",
                    address: str = "") -> Provider:
    """A new active provider; ``ValidationError`` names every bad field."""
    errors: Errors = {}
    values = _provider_values(dict(
        name=name, credit_code=credit_code, kind=kind, contact_name=contact_name,
        contact_phone=contact_phone, contact_email=contact_email, address=address),
        errors, None)
    raise_if(errors, _("The provider was not saved."))
    _refuse_taken_credit_code(values["credit_code"], None)
    provider = Provider(status=ProviderStatus.ACTIVE, **values)
    db.session.add(provider)
    db.session.flush()
    return provider


def update_provider(provider: Provider, *, actor: User | None = None,
                    **changes: Any) -> Provider:
    """Change any of name, credit_code, kind, contact_name, contact_phone, contact_email,
    address (status goes through :func:`set_provider_status`), if ``actor`` may."""
    check_provider_writer(actor, provider)
    errors: Errors = {}
    values = _provider_values(changes, errors, provider)
    raise_if(errors, _("The provider was not saved."))
    _refuse_taken_credit_code(values.get("credit_code"), provider)
    for key, value in values.items():
        setattr(provider, key, value)
    db.session.flush()
    return provider


def set_provider_status(provider: Provider, status: ProviderStatus | str, reason: str, *,
                        actor: User | None = None) -> Provider:
    """Suspend, debar or reinstate; a reason is always required (the audit log keeps it)."""
    check_provider_writer(actor, provider)
    errors: Errors = {}
    new = as_enum(ProviderStatus, status, "status", errors)
    reason = text(reason, "reason", errors, max_length=500, required=True)
    raise_if(errors, _("The status was not changed."))
    if new is provider.status:
        raise ValidationError(_("The provider already has this status."),
                              {"status": [_("Unchanged.")]})
    provider.status, provider.status_reason = new, reason
    provider.status_changed_at = clock.now()
    db.session.flush()
    return provider


def status_history(provider: Provider) -> list[AuditLog]:
    """The audited changes of the provider's status, newest first."""
    rows = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "providers", AuditLog.object_id == str(provider.id),
        AuditLog.action == "update").order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    return [row for row in rows if "status" in (row.changes or {})]


def provider_accounts(provider: Provider) -> list[User]:
    """The users who sign in for ``provider``, by e-mail."""
    return list(db.session.scalars(sa.select(User).where(User.provider_id == provider.id)
                                   .order_by(User.email)))


# ---- qualifications ----------------------------------------------------------------------

def add_qualification(provider: Provider, *, cert_type: str, number: str, issuer: str = "",
                      valid_until: date | str | None = None,
                      actor: User | None = None) -> Qualification:
    check_provider_writer(actor, provider)
    errors: Errors = {}
    values = dict(
        cert_type=text(cert_type, "cert_type", errors, max_length=100, required=True),
        number=text(number, "number", errors, max_length=100, required=True),
        issuer=text(issuer, "issuer", errors, max_length=200),
        valid_until=as_date(valid_until, "valid_until", errors, required=False),
    )
    raise_if(errors, _("The qualification was not saved."))
    qualification = Qualification(provider=provider, **values)
    db.session.add(qualification)
    db.session.flush()
    return qualification


def remove_qualification(qualification: Qualification, *, actor: User | None = None) -> None:
    check_provider_writer(actor, qualification.provider)
    db.session.delete(qualification)
    db.session.flush()


def has_valid_qualification(provider: Provider, on: date) -> bool:
    """Whether the provider holds at least one qualification valid on day ``on``."""
    return any(q.is_valid_on(on) for q in provider.qualifications)


def is_expiring(qualification: Qualification, today: date | None = None,
                within_days: int = EXPIRY_WARNING_DAYS) -> bool:
    """Still valid today but ends within ``within_days`` days."""
    today = today or clock.today()
    until = qualification.valid_until
    return until is not None and today <= until <= today + timedelta(days=within_days)


def is_renewed(qualification: Qualification) -> bool:
    """Whether its provider holds a certificate of the same type valid after it ends (the
    renewal, filed before the old one lapsed): nothing is left to renew."""
    until = qualification.valid_until
    return until is not None and any(
        other.id != qualification.id and other.cert_type == qualification.cert_type
        and (other.valid_until or date.max) > until
        for other in qualification.provider.qualifications)


def expiring_qualifications(today: date | None = None, within_days: int = EXPIRY_WARNING_DAYS,
                            provider: Provider | None = None) -> list[Qualification]:
    """Qualifications still valid today that end within ``within_days`` days, soonest first."""
    today = today or clock.today()
    stmt = (sa.select(Qualification)
            .where(Qualification.valid_until.between(today, today + timedelta(days=within_days)))
            .order_by(Qualification.valid_until, Qualification.id))
    if provider is not None:
        stmt = stmt.where(Qualification.provider_id == provider.id)
    return list(db.session.scalars(stmt))
