"""Bearer-token authentication for the API; session cookies are never accepted here."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import abort, g, request
from flask_smorest.utils import deepupdate

from app.api.docs import token_doc
from app.auth.services import user_for_token
from app.users.models import Role, User


def bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


def token_required(*roles: Role) -> Callable:
    """Decorator: a valid token (401 otherwise), and one of ``roles`` if given (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = bearer_user()
            if user is None:
                abort(401)
            g.actor = user
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # the OpenAPI document: bearer security, the roles (so 401 and 403 are listed)
        wrapper._apidoc = deepcopy(getattr(view, "_apidoc", {}))
        wrapper._apidoc["manual_doc"] = deepupdate(
            deepcopy(wrapper._apidoc.get("manual_doc", {})), token_doc(roles))
        return wrapper

    return decorator


def api_user() -> User:
    return g.actor
