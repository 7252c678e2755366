"""``/api/v1`` endpoints of the inspection plan and the yearly on-site coverage.

Officers and admins only (an inspector or a provider is 403); every list is limited to what
the caller sees, and a ``region_code`` outside it is 422 naming the field.
"""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_babel import gettext as _

from app import clock
from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs
from app.users.models import Role
from reports.planning.campaign import MAX_TARGETS, campaign_from_plan
from reports.planning.coverage import yearly_coverage
from reports.planning.services import PlanItem, inspection_plan, plan_region
from reports.planning.weights import current_weights

blp = Blueprint("api_planning", __name__, url_prefix="/api/v1",
                description="Where to look next: the risk-based inspection plan and the yearly "
                            "on-site coverage. A risk score is a reason to look, never a verdict.")

PLANNERS = (Role.ADMIN, Role.OFFICER)


class PlanArgs(PageArgs):
    region_code = ma.fields.String(load_default=None, validate=ma.validate.Length(max=12),
                                   metadata={"description": "only targets in this region"})
    before = ma.fields.Date(load_default=None, metadata={
        "description": "only targets due before this day (YYYY-MM-DD)"})


class ReasonSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "interval, grade, trend, veto_failure, "
                                      "action_<severity>, incident_<severity>, late_report, "
                                      "returned_report, appeal, never_inspected, overdue"})
    points = ma.fields.Float(metadata={"description": "risk points this reason adds"})
    text = ma.fields.String(metadata={"description": "the reason in the caller's language"})


class PlanItemSchema(ma.Schema):
    facility_id = ma.fields.Integer(allow_none=True)
    contract_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String()
    region_code = ma.fields.String()
    risk = ma.fields.Float(metadata={"description": "risk points, one decimal; higher first"})
    next_due = ma.fields.Date()
    days_overdue = ma.fields.Integer()
    last_onsite = ma.fields.Date(allow_none=True, metadata={
        "description": "day of the last inspection carried out on site"})
    scheduled_for = ma.fields.Date(allow_none=True, metadata={
        "description": "the next inspection already scheduled, if any"})
    reasons = ma.fields.List(ma.fields.Nested(ReasonSchema))


class WeightSchema(ma.Schema):
    key = ma.fields.String()
    value = ma.fields.Float()
    meaning = ma.fields.String()


class PlanSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PlanItemSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    weights = ma.fields.List(ma.fields.Nested(WeightSchema), metadata={
        "description": "the weights the risks were computed with (config "
                       "INSPECTION_RISK_WEIGHTS)"})
    note = ma.fields.String()


def plan_item_dict(item: PlanItem, today) -> dict:
    a = item.assessment
    return {
        "facility_id": item.facility.id if item.facility else None,
        "contract_id": item.contract.id if item.contract else None,
        "name": item.name, "region_code": item.target.region_code, "risk": a.risk,
        "next_due": a.next_due, "days_overdue": a.days_overdue(today),
        "last_onsite": next((r.values["last"] for r in a.reasons if r.code == "interval"), None),
        "scheduled_for": item.scheduled_for,
        "reasons": [{"code": r.code, "points": r.points, "text": r.text} for r in a.reasons],
    }


def risk_note() -> str:
    return _("A risk score is a reason to look, never a verdict.")


@blp.route("/inspection-plan")
class InspectionPlan(MethodView):
    @token_required(*PLANNERS)
    @blp.arguments(PlanArgs, location="query")
    @blp.response(200, PlanSchema)
    @blp.alt_response(422, description="region_code unknown or outside the caller's area")
    def get(self, args):
        """The homes and active household-survey contracts the caller sees, highest risk
        first, each with its next due date and the reasons for it ("why this date")."""
        user, today = api_user(), clock.today()
        items = inspection_plan(user, region=plan_region(user, args["region_code"]),
                                before=args["before"], today=today)
        start = (args["page"] - 1) * args["per_page"]
        return {"items": [plan_item_dict(i, today)
                          for i in items[start:start + args["per_page"]]],
                "total": len(items), "page": args["page"], "per_page": args["per_page"],
                "weights": [{"key": k, "value": v, "meaning": m}
                            for k, v, m in current_weights().rows()],
                "note": risk_note()}


class CoverageArgs(ma.Schema):
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1900, max=2999))
    region_code = ma.fields.String(load_default=None, validate=ma.validate.Length(max=12))


class MissingHomeSchema(ma.Schema):
    facility_id = ma.fields.Integer()
    name = ma.fields.String()
    region_code = ma.fields.String()
    scheduled_for = ma.fields.Date(allow_none=True, metadata={
        "description": "an inspection already scheduled this year, not yet carried out"})


class CountyCoverageSchema(ma.Schema):
    county_code = ma.fields.String()
    county_name = ma.fields.String()
    county_name_en = ma.fields.String(metadata={
        "description": "the county's English name, \"\" when none (as name_en of /regions)"})
    homes = ma.fields.Integer()
    inspected = ma.fields.Integer()
    missing = ma.fields.List(ma.fields.Nested(MissingHomeSchema))


class CoverageSchema(ma.Schema):
    year = ma.fields.Integer()
    days_left = ma.fields.Integer(metadata={"description": "days left in the year, today "
                                            "included; 0 once it is over"})
    homes = ma.fields.Integer()
    not_inspected = ma.fields.Integer()
    counties = ma.fields.List(ma.fields.Nested(CountyCoverageSchema))


def coverage_dict(coverage) -> dict:
    return {
        "year": coverage.year, "days_left": coverage.days_left, "homes": coverage.homes,
        "not_inspected": coverage.missing,
        "counties": [{
            "county_code": c.county.code, "county_name": c.county.name,
            "county_name_en": c.county.name_en or "", "homes": c.homes,
            "inspected": c.inspected,
            "missing": [{"facility_id": f.id, "name": f.name, "region_code": f.region.code,
                         "scheduled_for": day} for f, day in c.missing],
        } for c in coverage.counties],
    }


@blp.route("/reports/coverage")
class YearlyCoverage(MethodView):
    @token_required(*PLANNERS)
    @blp.arguments(CoverageArgs, location="query")
    @blp.response(200, CoverageSchema)
    @blp.alt_response(422, description="year out of range, or region_code outside the area")
    def get(self, args):
        """Elderly homes not yet inspected on site in ``year`` (default this year), by county,
        with the days left (养老机构管理办法 art. 38: at least once a year)."""
        user = api_user()
        year = args["year"] or clock.today().year
        return coverage_dict(yearly_coverage(user, year,
                                             region=plan_region(user, args["region_code"])))


class PlanCampaignIn(ma.Schema):
    name = ma.fields.String(required=True)
    count = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_TARGETS),
                              metadata={"description": "how many of the highest-risk targets"})
    template_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1,
                                                                              max=2**31 - 1))
    region_code = ma.fields.String(load_default=None, validate=ma.validate.Length(max=12),
                                   metadata={"description": "default: the caller's region"})
    window_start = ma.fields.Date(required=True)
    window_end = ma.fields.Date(required=True)
    inspector_ids = ma.fields.List(ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=2**31 - 1)), required=True)
    assignment = ma.fields.String(load_default="by_region",
                                  validate=ma.validate.OneOf(["by_region", "round_robin"]))


class PlanTargetSchema(ma.Schema):
    facility_id = ma.fields.Integer(allow_none=True)
    contract_id = ma.fields.Integer(allow_none=True)


class PlanCampaignOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    inspections = ma.fields.Integer(metadata={"description": "inspections scheduled"})
    targets = ma.fields.List(ma.fields.Nested(PlanTargetSchema), metadata={
        "description": "the targets, highest risk first"})


@blp.route("/inspection-plan/campaign")
class PlanCampaign(MethodView):
    @token_required(*PLANNERS)
    @blp.arguments(PlanCampaignIn)
    @blp.response(201, PlanCampaignOut)
    @blp.alt_response(422, description="a field is wrong; nothing was created")
    def post(self, data):
        """A campaign over the ``count`` highest-risk homes of the plan (or household-survey
        contracts, for a template about contracts), in the caller's region or ``region_code``,
        passing over those with an inspection of the template's kind still to be done; one
        inspection per target, spread over the window; it does not recur."""
        campaign = campaign_from_plan(actor=api_user(), **data)
        inspections = sorted(campaign.inspections, key=lambda i: (i.scheduled_for, i.id))
        return {"id": campaign.id, "name": campaign.name, "inspections": len(inspections),
                "targets": [{"facility_id": i.facility_id,
                             "contract_id": None if i.facility_id else i.contract_id}
                            for i in inspections]}
