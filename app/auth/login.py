"""Flask-Login wiring and the role guard for HTML views."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, user_loaded_from_cookie

from app.auth.models import UserSession, session_digest
from app.extensions import db, login_manager
from app.users.models import Role, User


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    login_manager._session_identifier_generator = _session_identifier

    @app.before_request
    def _set_actor() -> None:
        # The audit trail and services read the acting user from g, for both doors.
        if current_user and current_user.is_authenticated:
            g.actor = current_user._get_current_object()


def _session_identifier() -> str:
    """What "strong" protection binds a session to: the browser and the client's address as
    the app believes it (``request.remote_addr``: the peer's, or the one a trusted proxy
    forwards, app.proxies). Flask-Login's own reads the first ``X-Forwarded-For`` entry, which
    the client writes: a stolen cookie replayed elsewhere went on working by naming the
    victim's address, and a header its owner's browser sent signed them out."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()


#: built once: every request loads its user, through its browser session still open
_USER = (sa.select(User).join(UserSession, UserSession.user_id == User.id)
         .where(User.id == sa.bindparam("user_id"),
                UserSession.key_hash == sa.bindparam("key_hash"),
                UserSession.ended_at.is_(None)))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session or remember-me cookie, while its generation is current and its
    browser session has not been signed out of."""
    user_id, generation, key = (session_id.split(":") + ["", ""])[:3]
    if not (user_id.isdigit() and generation.isdigit()) or len(user_id) > 18 or not key:
        return None
    user = db.session.scalar(_USER, {"user_id": int(user_id), "key_hash": session_digest(key)})
    if user is None or not user.is_enabled or user.session_generation != int(generation):
        return None
    user.session_key = key
    return user


@user_loaded_from_cookie.connect
def _bind_restored_session(_app: Flask, user: User) -> None:
    """Flask-Login (0.6) restores a session from the remember-me cookie without the "strong"
    protection's identifier, so the very next request failed the check and cleared the cookie:
    "keep me logged in" lasted one page. Stamp the identifier as ``login_user`` does."""
    session["_id"] = login_manager._session_identifier_generator()


def stay_signed_in(user: User) -> None:
    """Re-sign this browser in after ``user``'s session generation moved on (their own change
    of password): every other session ends, this one goes on, remembered if it was."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(user, remember=remembered)


def role_required(*roles: Role) -> Callable:
    """Logged in (redirect to login otherwise) and one of ``roles`` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


admin_required = role_required(Role.ADMIN)
