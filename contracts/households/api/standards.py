"""Assistance standards through the API.

- ``GET /assistance-standards?year=&area=&region_code=`` — the standards the caller may see
  (officers: their region's and those above it).
- ``POST /assistance-standards`` ``{"region_code","year","area","dibao_monthly",
  "tekun_monthly"?,"near_poor_monthly"?,"asset_limit_per_person"?}`` — sets the standard of
  that region, year and area: 201 when new, 200 when an existing one changed (its history
  keeps the old amounts). Officers set their own region's only. With ``"seen"`` (the
  ``stamp`` of the standard as read), a standard changed since → 409, nothing saved.
- ``GET /assistance-standards/{id}`` — one standard with its history.
"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView

from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.regions.services import get_by_code
from app.users.models import Role
from contracts.households import standards
from contracts.households.api.blueprint import blp
from contracts.households.models import AssistanceStandard

_MONEY = {"type": "string", "example": "750.00"}
OFFICERS = (Role.OFFICER, Role.ADMIN)


def _money(name: str):
    return ma.fields.Function(
        lambda s: None if getattr(s, name) is None else f"{getattr(s, name):.2f}",
        metadata=_MONEY)


class StandardOut(ma.Schema):
    id = ma.fields.Integer()
    region_code = ma.fields.Function(lambda s: s.region.code)
    year = ma.fields.Integer()
    area = ma.fields.Function(lambda s: s.area.value, metadata={"enum": ["urban", "rural"]})
    dibao_monthly = _money("dibao_monthly")
    tekun_monthly = _money("tekun_monthly")
    near_poor_monthly = _money("near_poor_monthly")
    asset_limit_per_person = _money("asset_limit_per_person")
    updated_at = ma.fields.DateTime()
    stamp = ma.fields.Function(standards.standard_stamp, metadata={
        "description": "a digest of the amounts as read, to send back as `seen`"})


class ChangeOut(ma.Schema):
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    before = ma.fields.Dict()
    after = ma.fields.Dict()


class StandardDetail(StandardOut):
    history = ma.fields.List(ma.fields.Nested(ChangeOut), attribute="changes")


class StandardIn(ma.Schema):
    region_code = ma.fields.String(required=True, validate=ma.validate.Length(max=12))
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(min=2000, max=2100))
    area = ma.fields.String(required=True, validate=ma.validate.OneOf(["urban", "rural"]))
    dibao_monthly = ma.fields.Raw(required=True, metadata=_MONEY)
    tekun_monthly = ma.fields.Raw(allow_none=True, metadata=_MONEY | {
        "description": "default 1.3 × dibao_monthly"})
    near_poor_monthly = ma.fields.Raw(allow_none=True, metadata=_MONEY | {
        "description": "default 1.5 × dibao_monthly"})
    asset_limit_per_person = ma.fields.Raw(allow_none=True, metadata=_MONEY | {
        "description": "null: no asset test"})
    seen = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64), metadata={
        "description": "optional: the standard's `stamp` as read; changed since → 409"})


class StandardArgs(PageArgs):
    year = ma.fields.Integer(validate=ma.validate.Range(min=2000, max=2100))
    area = ma.fields.String(validate=ma.validate.OneOf(["urban", "rural"]))
    region_code = ma.fields.String(validate=ma.validate.Length(max=12))


@blp.route("/assistance-standards")
class AssistanceStandards(MethodView):
    @token_required(*OFFICERS)
    @blp.arguments(StandardArgs, location="query")
    @blp.response(200, page_schema(StandardOut, "AssistanceStandardPage"))
    def get(self, args):
        """The standards the caller may see, by region, the latest year first."""
        code = args.get("region_code")
        region = get_by_code(code) if code else None
        stmt = standards.standards_stmt(api_user(), year=args.get("year"),
                                        area=args.get("area"), region=region)
        if code and region is None:
            stmt = stmt.where(sa.false())
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(*OFFICERS)
    @blp.arguments(StandardIn)
    @blp.response(201, StandardDetail)
    @blp.alt_response(200, schema=StandardDetail, description="An existing standard changed")
    def post(self, data):
        """Set the standard of a region, year and area (officers: their own region's); with
        ``seen``, one changed since the client read it → 409 (another officer's change is
        not put back unseen)."""
        amounts = {name: data.get(name) for name in standards.AMOUNTS}
        existing = _existing(data) if data["seen"] is not None else None
        if existing is not None:
            return standards.change_standard(existing, actor=api_user(), seen=data["seen"],
                                             **amounts), 200
        standard, created = standards.save_standard(
            region=data["region_code"], year=data["year"], area=data["area"],
            actor=api_user(), **amounts)
        return standard, 201 if created else 200


def _existing(data: dict) -> AssistanceStandard | None:
    """The stored standard of the body's region, year and area, if any."""
    region = get_by_code(data["region_code"])
    return None if region is None else standards.stored_standard(region, data["year"],
                                                                 data["area"])


@blp.route("/assistance-standards/<int:standard_id>")
class AssistanceStandardById(MethodView):
    @token_required(*OFFICERS)
    @blp.response(200, StandardDetail)
    def get(self, standard_id):
        """One standard with the history of its changes."""
        return standards.get_visible_standard(api_user(), standard_id)
