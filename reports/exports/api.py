"""``/api/v1`` endpoints of the exports: open contracting data (OCDS)."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import ApiErrorSchema, PageArgs
from app.errors import NotFound
from app.users.models import Role
from reports.exports.ocds import PackagePage, release_package, releases
from reports.exports.ocds_records import record_package

blp = Blueprint("api_ocds", __name__, url_prefix="/api/v1",
                description="Open contracting data (OCDS 1.1)")

_NONE_VISIBLE = "No published contract is visible to the caller"


def _nothing_to_publish():
    # a package must hold at least one release or record (OCDS schema: minItems 1)
    return NotFound(_("There is no published contract to release."))


def _page(args: dict) -> PackagePage:
    page = PackagePage(api_user(), args["page"], args["per_page"])
    if page.total == 0 or page.page > page.last:
        raise _nothing_to_publish()
    return page


def _url_of(endpoint: str, per_page: int):
    return lambda number: url_for(endpoint, page=number, per_page=per_page, _external=True)


@blp.route("/ocds/releases.json")
class OcdsReleases(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, description="An OCDS 1.1 release package (JSON Schema draft 4)")
    @blp.alt_response(404, schema=ApiErrorSchema, description=_NONE_VISIBLE)
    def get(self, args):
        """The contracts the caller may see, as OCDS 1.1 release packages of ``per_page``.

        One release per non-draft contract, by contract number: parties (the buyer by its
        unified social credit code), tender, award, contract, amendments and implementation (a
        transaction per installment paid; milestones of types payment, assessment and
        reporting). ``links.next`` and ``links.prev`` are the URLs of the pages around this one.
        """
        page = _page(args)
        url_of = _url_of("api_ocds.OcdsReleases", page.per_page)
        return release_package(page, url_of(page.page), url_of)


@blp.route("/ocds/records.json")
class OcdsRecords(MethodView):
    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, description="An OCDS 1.1 record package (JSON Schema draft 4)")
    @blp.alt_response(404, schema=ApiErrorSchema, description=_NONE_VISIBLE)
    def get(self, args):
        """The contracts the caller may see, as OCDS 1.1 records, in packages of ``per_page``.

        One record per contracting process: its releases (embedded, oldest first) and the
        compiled release merged from them by the standard's merge library (ocdsmerge).
        ``packages`` names the release package of the same page; ``links`` as there.
        """
        page = _page(args)
        url_of = _url_of("api_ocds.OcdsRecords", page.per_page)
        releases_of = _url_of("api_ocds.OcdsReleases", page.per_page)
        return record_package(releases(page.stmt), url_of(page.page), releases_of(page.page),
                              page.links(url_of))
