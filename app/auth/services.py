"""Authentication: password login with throttling, and bearer tokens for the API."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import clock
from app.auth.models import ApiToken, LoginAttempt
from app.errors import DomainError
from app.extensions import db
from app.users.models import User
from app.users.services import get_by_email, normalize_email, password_matches


class LoginRefused(DomainError):
    code = "unauthorized"
    status = 401


class LoginThrottled(DomainError):
    code = "too_many_attempts"
    status = 429


def _recent_failures(email: str, ip_address: str) -> int:
    since = clock.now() - current_app.config["LOGIN_FAILURE_WINDOW"]
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= since,
            sa.or_(LoginAttempt.email == email, LoginAttempt.ip_address == ip_address),
        )
    )


def authenticate(email: str, password: str, ip_address: str) -> User:
    """The user behind these credentials, or a refusal. Every try is recorded.

    A throttled try is refused before the password is checked, so that guessing goes no
    further even with the right password; its row keeps the lock in place while tries go on.
    """
    email = normalize_email(email)
    ip_address = ip_address or "unknown"
    if _recent_failures(email, ip_address) >= current_app.config["LOGIN_MAX_FAILURES"]:
        db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=False))
        minutes = int(current_app.config["LOGIN_FAILURE_WINDOW"].total_seconds() // 60)
        raise LoginThrottled(_("Too many failed logins. Try again in %(minutes)d minutes.",
                               minutes=minutes))
    user = get_by_email(email)
    ok = user is not None and password_matches(user, password or "")
    db.session.add(LoginAttempt(email=email, ip_address=ip_address,
                                succeeded=bool(ok and user.is_enabled)))
    if not ok:
        raise LoginRefused(_("Wrong e-mail or password."))
    if not user.is_enabled:
        raise LoginRefused(_("This account is disabled. Ask the administrator."))
    user.last_login_at = clock.now()
    return user


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


