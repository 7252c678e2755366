"""``/api/v1`` endpoints of the exports: open contracting data (OCDS)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.errors import NotFound
from app.users.models import Role
from reports.exports.ocds import release_package

blp = Blueprint("api_ocds", __name__, url_prefix="/api/v1",
                description="Open contracting data (OCDS 1.1)")


@blp.route("/ocds/releases.json")
class OcdsReleases(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.response(200, description="An OCDS 1.1 release package (JSON Schema draft 4)")
    @blp.alt_response(404, description="No published contract is visible to the caller")
    def get(self):
        """The contracts the caller may see, as an OCDS 1.1 release package.

        One release per non-draft contract: parties, tender, award, contract, amendments and
        implementation (transactions for installments paid; milestones of types payment,
        assessment and reporting).
        """
        package = release_package(api_user(), request.base_url)
        if not package["releases"]:
            # a release package must hold at least one release (OCDS schema: minItems 1)
            raise NotFound(_("There is no published contract to release."))
        return package
