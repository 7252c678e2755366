"""``/api/v1`` endpoints of providers, facilities, procurement (``purchasing``) and contracts
(``contracts``), each module with its blueprint, and what they share.

Officers and admins write; every role reads what ``contracts.visibility`` lets it see, and an
object it may not see answers 404 like a missing one. The rules live in ``contracts.services``,
the lists in ``contracts.listing`` (the builders of the HTML lists); domain errors become the
API's error format on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from app.api import Blueprint
from app.api.schemas import ApiErrorSchema, paginate
from app.regions.models import Region
from app.regions.services import require_region
from app.users.models import Role

WRITERS = (Role.OFFICER, Role.ADMIN)

_DESCRIPTIONS = {
    403: "Seen but not the caller's to change",
    404: "Missing, or hidden from the caller",
    409: "Clashes with the current state",
    422: "Invalid input; error.fields names each culprit",
}


def error_answers(blp: Blueprint, *codes: int) -> Callable:
    """Document the error answers of an endpoint of ``blp`` (all in the one error format)."""

    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema,
                                    description=_DESCRIPTIONS[code])(view)
        return view

    return decorator


def query_region(args: Mapping[str, Any]) -> Region | None:
    """The region of ``?region_code=`` (an unknown code is a 422 on ``region_code``)."""
    code = args.get("region_code")
    return None if code is None else require_region(code, "region_code")


def page_of(stmt: sa.Select, args: Mapping[str, Any]) -> dict:
    """The page of ``stmt`` that ``?page=&per_page=`` ask for, in the list envelope."""
    return paginate(stmt, args["page"], args["per_page"])
