"""``/api/v1`` endpoints of the contracts feature (providers, facilities, contracts, ...)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_contracts", __name__, url_prefix="/api/v1",
                description="Providers, facilities, procurement and contracts")
