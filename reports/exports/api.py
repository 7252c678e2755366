"""``/api/v1`` endpoints of the exports: open contracting data (OCDS)."""

from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_babel import gettext as _

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import ApiErrorSchema
from app.errors import NotFound
from app.users.models import Role
from reports.exports.ocds import published_contracts, release_package, releases
from reports.exports.ocds_records import record_package

blp = Blueprint("api_ocds", __name__, url_prefix="/api/v1",
                description="Open contracting data (OCDS 1.1)")

_NONE_VISIBLE = "No published contract is visible to the caller"


def _nothing_to_publish():
    # a package must hold at least one release or record (OCDS schema: minItems 1)
    return NotFound(_("There is no published contract to release."))


@blp.route("/ocds/releases.json")
class OcdsReleases(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.response(200, description="An OCDS 1.1 release package (JSON Schema draft 4)")
    @blp.alt_response(404, schema=ApiErrorSchema, description=_NONE_VISIBLE)
    def get(self):
        """The contracts the caller may see, as an OCDS 1.1 release package.

        One release per non-draft contract: parties (the buyer by its unified social credit
        code), tender, award, contract, amendments and implementation (a transaction per
        installment paid; milestones of types payment, assessment and reporting).
        """
        package = release_package(api_user(), request.base_url)
        if not package["releases"]:
            raise _nothing_to_publish()
        return package


@blp.route("/ocds/records.json")
class OcdsRecords(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.response(200, description="An OCDS 1.1 record package (JSON Schema draft 4)")
    @blp.alt_response(404, schema=ApiErrorSchema, description=_NONE_VISIBLE)
    def get(self):
        """The contracts the caller may see, as OCDS 1.1 records.

        One record per contracting process: its releases (embedded, oldest first) and the
        compiled release merged from them by the standard's merge library (ocdsmerge).
        """
        items = releases(published_contracts(api_user()))
        if not items:
            raise _nothing_to_publish()
        return record_package(items, request.base_url,
                              url_for("api_ocds.OcdsReleases", _external=True))
