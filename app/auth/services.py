"""Authentication: password login with throttling, and bearer tokens for the API."""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.security import check_password_hash

from app import clock
from app.audit.listener import record_event, signed_in
from app.auth.models import ApiToken, LoginAttempt, UserSession, session_digest
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.unit_of_work import hold_key
from app.users.models import User
from app.users.services import (
    claim_account,
    get_by_email,
    hash_password,
    normalize_email,
    password_matches,
    reset_password,
)


class LoginRefused(DomainError):
    code = "unauthorized"
    status = 401


class LoginThrottled(DomainError):
    code = "too_many_attempts"
    status = 429


@dataclass(frozen=True)
class _Wait:
    """How long a pair or an address must wait before its next try is heard."""

    seconds: float
    whole_address: bool

    def refusal(self) -> LoginThrottled:
        minutes = max(1, math.ceil(self.seconds / 60))
        if self.whole_address:
            refused = LoginThrottled(ngettext(
                "Too many failed logins from your network address. Try again in %(num)d "
                "minute.", "Too many failed logins from your network address. Try again in "
                "%(num)d minutes.", minutes))
        else:
            refused = LoginThrottled(ngettext(
                "Too many failed logins for this account from your network address. Try "
                "again in %(num)d minute.", "Too many failed logins for this account from "
                "your network address. Try again in %(num)d minutes.", minutes))
        refused.retry_after = max(1, math.ceil(self.seconds))
        return refused


def _failures(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    """Heard failures (throttled tries are not: they checked nothing) matching ``conditions``."""
    return sa.select(LoginAttempt.at).where(LoginAttempt.succeeded.is_(False),
                                            LoginAttempt.throttled.is_(False), *conditions)


def _pair_wait(email: str, ip_address: str, now: datetime) -> _Wait | None:
    """The pair's growing delay: none for its first failures, then doubling with each one."""
    config = current_app.config
    pair = (LoginAttempt.email == email, LoginAttempt.ip_address == ip_address)
    window_start = now - config["LOGIN_FAILURE_WINDOW"]
    last_success = db.session.scalar(sa.select(sa.func.max(LoginAttempt.at)).where(
        *pair, LoginAttempt.succeeded.is_(True), LoginAttempt.at >= window_start))
    recent = (LoginAttempt.at > last_success if last_success is not None
              else LoginAttempt.at >= window_start)
    failures = db.session.scalars(_failures(*pair, recent)
                                  .order_by(LoginAttempt.at.desc())
                                  .limit(config["LOGIN_FREE_FAILURES"] + 32)).all()
    beyond = len(failures) - config["LOGIN_FREE_FAILURES"]
    if beyond < 0:
        return None
    delay = min(config["LOGIN_DELAY_BASE"] * 2 ** beyond, config["LOGIN_DELAY_MAX"])
    remaining = (failures[0] + delay - now).total_seconds()
    return _Wait(remaining, whole_address=False) if remaining > 0 else None


def _address_wait(ip_address: str, now: datetime) -> _Wait | None:
    """The address's ceiling: so many failures in the window close it until they age out."""
    config = current_app.config
    ceiling, window = config["LOGIN_ADDRESS_MAX_FAILURES"], config["LOGIN_ADDRESS_WINDOW"]
    oldest_counted = db.session.scalar(
        _failures(LoginAttempt.ip_address == ip_address, LoginAttempt.at >= now - window)
        .order_by(LoginAttempt.at.desc()).offset(ceiling - 1).limit(1))
    if oldest_counted is None:
        return None
    return _Wait((oldest_counted + window - now).total_seconds(), whole_address=True)


def _dummy_hash() -> str:
    """A hash made like the users' (same method and cost), checked when no user has the
    e-mail, so that a wrong address takes as long to refuse as a wrong password."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[method]


_DUMMY_HASHES: dict[str, str] = {}


def _audit_failure(email: str, user: User | None, **details: object) -> None:
    """Put a failed sign-in in the trail, where the bureau looks for password guessing: on
    the account tried, or on no user when the e-mail is nobody's (what was typed then
    says which address was tried). The password typed is never kept. Written whether or not
    the account exists, so that neither the answer nor its work tells the guesser."""
    if user is None:
        details = {"email": email, **details}
    record_event(db.session, "sign_in_failed", user if user is not None else User, details,
                 claimed_by=email)


def throttled_address(address: str | None) -> str:
    """What throttling counts as one address: an IPv4 address, or the /64 network of an IPv6
    one. A home, an office or a phone is given a whole /64, billions of addresses: a pair per
    address let its holder guess five times from each, and never meet the address ceiling."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return (address or "unknown")[:45]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip.packed, 64), strict=False))


def _hold_pair(email: str, ip_address: str) -> tuple[str, str]:
    """The (account, address) pair as throttling counts it, held until the commit: the pair's
    tries one after the other, as guesses sent at once each found the failures of before them
    only, and all were heard where the delay lets one through."""
    email = normalize_email(email)[:254]
    ip_address = throttled_address(ip_address)
    hold_key("login", f"{email} {ip_address}")
    return email, ip_address


def authenticate(email: str, password: str, ip_address: str) -> User:
    """The user behind these credentials, or a refusal. Every try is recorded.

    Throttling is per (account, address) pair, so a stranger failing for an account never
    locks its owner out elsewhere; a generous ceiling per address stops one machine guessing
    across many accounts. A throttled try is refused before the password is checked, so that
    guessing goes no further even with the right password.
    """
    email, ip_address = _hold_pair(email, ip_address)
    now = clock.now()
    wait = _address_wait(ip_address, now) or _pair_wait(email, ip_address, now)
    if wait is not None:
        db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=False,
                                    throttled=True))
        _audit_failure(email, get_by_email(email), throttled=True)
        raise wait.refusal()
    user = get_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        ok = False
    else:
        ok = password_matches(user, password or "")
    db.session.add(LoginAttempt(email=email, ip_address=ip_address,
                                succeeded=bool(ok and user.is_enabled)))
    if not ok:
        _audit_failure(email, user)
        raise LoginRefused(_("Wrong e-mail or password."))
    if not user.is_enabled:
        _audit_failure(email, user, is_enabled=False)
        raise LoginRefused(_("This account is disabled. Ask the administrator."))
    signed_in(user)
    user.last_login_at = now
    return user


def begin_session(user: User) -> None:
    """Open a browser session for ``user``, who has just signed in: its key goes into the
    session and remember-me cookies that ``login_user`` then writes."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=session_digest(key)))
    user.session_key = key


def sign_out(user: User) -> None:
    """End the browser session ``user`` signs out of, so that a copy of its cookies taken
    before signs nobody in (their other browsers go on), and audit it, as their sign-in is:
    the trail tells when a session on a shared office computer ended, or that it never did."""
    if user.session_key:
        db.session.execute(sa.update(UserSession).where(
            UserSession.key_hash == session_digest(user.session_key),
            UserSession.ended_at.is_(None)).values(ended_at=clock.now()))
        user.session_key = None
    record_event(db.session, "sign_out", user)


class WrongCurrentPassword(ValidationError):
    """The current password was wrong (or its pair throttled); the try is kept on record."""


def change_own_password(user: User, current: str, new: str, ip_address: str) -> User:
    """The user's own change: the current password is checked (and throttled) like a login,
    then every other session, remember-me cookie and API token of the user ends."""
    # the current password as stored once any reset made at the same instant has committed;
    # the pair first, in the order a login takes the pair and then writes the row
    _hold_pair(user.email, ip_address)
    claim_account(user)
    try:
        authenticate(user.email, current, ip_address)
    except (LoginRefused, LoginThrottled) as refusal:
        why = (refusal.message if isinstance(refusal, LoginThrottled)
               else _("This is not your current password."))
        raise WrongCurrentPassword(_("The password was not changed."),
                                   {"current_password": [why]}) from None
    if new == current:
        raise ValidationError(_("The password was not changed."), {
            "password": [_("The new password is the same as the current one.")]})
    return reset_password(user, new)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def issue_token(user: User) -> IssuedToken:
    token = secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=_digest(token), generation=user.session_generation,
                      expires_at=clock.now() + current_app.config["API_TOKEN_LIFETIME"])
    db.session.add(record)
    db.session.flush()
    return IssuedToken(token, record)


def user_for_token(token: str) -> User | None:
    record = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if record is None or not record.is_valid(clock.now()):
        return None
    return record.user


def revoke_token(token: str) -> bool:
    record = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if record is None or record.revoked_at is not None:
        return False
    record.revoked_at = clock.now()
    return True


