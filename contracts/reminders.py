"""The contracts feature's own reminders, sent by the scheduler's daily jobs (contracts.jobs):
contracts ending (90 and 30 days ahead) and provider qualifications expiring (60 days ahead).

Stages, recipients and sending once per event: :mod:`app.notifications.reminders`.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.notifications import kinds
from app.notifications.reminders import city_officers, link, officers_over, provider_users, send
from app.users.models import Role, User
from contracts.models import Contract, ContractStatus, Provider
from contracts.providers import expiring_qualifications, is_renewed

#: contracts ending within these many days are announced, once per threshold
CONTRACT_END_THRESHOLDS = (90, 30)
QUALIFICATION_WARNING_DAYS = 60


# ---- contracts ending -----------------------------------------------------------------------

def contract_expiry_reminders(today: date | None = None) -> int:
    """Announce the end of ACTIVE and SUSPENDED contracts 90 and 30 days ahead, to the officers
    of the region and the provider's users (the tightest threshold reached, once each)."""
    today = today or clock.today()
    horizon = today + timedelta(days=max(CONTRACT_END_THRESHOLDS))
    contracts = db.session.scalars(sa.select(Contract).where(
        Contract.status.in_([ContractStatus.ACTIVE, ContractStatus.SUSPENDED]),
        Contract.end_date.between(today, horizon)).order_by(Contract.id))
    sent = 0
    for contract in contracts:
        days = (contract.end_date - today).days
        threshold = min(t for t in CONTRACT_END_THRESHOLDS if days <= t)
        users = officers_over(contract.region) + provider_users(contract.provider_id)

        def text(user: User, contract: Contract = contract, days: int = days
                 ) -> tuple[str, str]:
            values = dict(number=contract.number, title=contract.title, days=days,
                          end=contract.end_date.isoformat(), provider=contract.provider.name)
            if user.role is Role.PROVIDER:  # renewing or buying again is the bureau's to plan
                return (_("Contract %(number)s ends on %(end)s", **values),
                        _("Contract %(number)s (%(title)s) ends in %(days)d days, on %(end)s. "
                          "Whether it is renewed is the bureau's decision.", **values))
            return (_("Contract %(number)s ends on %(end)s", **values),
                    _("Contract %(number)s (%(title)s) with %(provider)s ends in %(days)d days, "
                      "on %(end)s. Plan its renewal or a new procurement.", **values))

        key = f"contract-expiring:{contract.id}:{contract.end_date.isoformat()}:{threshold}"
        sent += send(users, kinds.CONTRACT_EXPIRING, key, text,
                     link("contracts.contract", contract_id=contract.id), contract)
    return sent


# ---- qualifications -------------------------------------------------------------------------

def qualification_expiry_reminders(today: date | None = None) -> int:
    """Qualifications ending within 60 days, unless renewed (a certificate of the same type
    valid longer): to the city's officers and the provider's users."""
    today = today or clock.today()
    sent = 0
    officers = city_officers()
    for qualification in expiring_qualifications(today, QUALIFICATION_WARNING_DAYS):
        if is_renewed(qualification):  # "renew it in time" would ask for what was done
            continue
        provider: Provider = qualification.provider

        def text(user: User, q=qualification, provider: Provider = provider
                 ) -> tuple[str, str]:
            values = dict(cert=q.cert_type, number=q.number, provider=provider.name,
                          end=q.valid_until.isoformat())
            return (_("Qualification of %(provider)s expires on %(end)s", **values),
                    _("%(cert)s %(number)s of %(provider)s is valid until %(end)s. Renew it in "
                      "time: a provider without a valid qualification cannot be awarded "
                      "contracts.", **values))

        key = f"qualification-expiring:{qualification.id}:{qualification.valid_until}"
        sent += send(officers + provider_users(provider.id), kinds.QUALIFICATION_EXPIRING, key,
                     text, link("contracts.provider", provider_id=provider.id), qualification)
    return sent
