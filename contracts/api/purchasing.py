"""``/api/v1`` endpoints of providers (with qualifications and status), facilities, and
procurement (with bids and the award that drafts a contract)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy.orm as so
from flask.views import MethodView
from flask_babel import gettext as _

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import page_schema, revision_in
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.unit_of_work import expect_revision
from contracts import listing, services
from contracts import schemas as s
from contracts.api import WRITERS, error_answers, page_of, query_region
from contracts.facilities import preload_operators
from contracts.models import Bid, Facility, Provider, Qualification
from contracts.red_flags import schemas as rs
from contracts.red_flags import services as red_flags

blp = Blueprint("api_purchasing", __name__, url_prefix="/api/v1",
                description="Providers, facilities and procurement")


class ProviderStatusChangeIn(s.ProviderStatusIn):
    #: a debarment made since the client read the provider is not lifted unseen
    revision = revision_in()


class AwardTargetsIn(s.AwardIn):
    #: the award drafts the contract, and a draft of entrusted care names its children
    targets = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), metadata={
        "description": "the draft's targets; entrusted care: {\"children\": N}, required"})


def _errors(*codes: int):
    return error_answers(blp, *codes)


# ---- providers ---------------------------------------------------------------------------

@blp.route("/providers")
class Providers(MethodView):
    @token_required()
    @blp.arguments(s.ProviderArgs, location="query")
    @blp.response(200, page_schema(s.ProviderOut, "ProviderPage"))
    def get(self, args):
        """Providers the caller may see (officers: all; a provider: itself), by name."""
        stmt = listing.providers_stmt(api_user(), q=args.get("q"), kind=args.get("kind"),
                                      status=args.get("status"), sort=args.get("sort"))
        return page_of(stmt.options(so.selectinload(Provider.qualifications)), args)

    @token_required(*WRITERS)
    @blp.arguments(s.ProviderIn)
    @blp.response(201, s.ProviderOut)
    @_errors(422)
    def post(self, data):
        """Register a provider; the credit code's check characters are verified."""
        return services.create_provider(**data)


@blp.route("/providers/<int:provider_id>")
class ProviderById(MethodView):
    @token_required()
    @blp.response(200, s.ProviderOut)
    @_errors(404)
    def get(self, provider_id):
        """One provider with its qualifications."""
        return services.get_visible_provider(api_user(), provider_id)

    @token_required(*WRITERS)
    @blp.arguments(s.ProviderPatch)
    @blp.response(200, s.ProviderOut)
    @_errors(403, 404, 409, 422)
    def patch(self, data, provider_id):
        """Change any of the provider's fields (status: ``POST .../status``). For admins and
        officers of the city or of a region holding all the provider's contracts and bids."""
        provider = services.get_visible_provider(api_user(), provider_id)
        expect_revision(provider, data.pop("revision", None))
        return services.update_provider(provider, actor=api_user(), **data)


@blp.route("/providers/<int:provider_id>/status")
class ProviderStatusView(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(ProviderStatusChangeIn)
    @blp.response(200, s.ProviderOut)
    @_errors(403, 404, 409, 422)
    def post(self, data, provider_id):
        """Suspend, debar or reinstate a provider; a reason is required. Who may: as PATCH.
        With ``revision``: changed since (another officer's status change) → 409."""
        provider = services.get_visible_provider(api_user(), provider_id)
        expect_revision(provider, data["revision"])
        return services.set_provider_status(provider, data["status"], data["reason"],
                                            actor=api_user())


@blp.route("/providers/<int:provider_id>/qualifications")
class Qualifications(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(s.QualificationIn)
    @blp.response(201, s.QualificationOut)
    @_errors(403, 404, 422)
    def post(self, data, provider_id):
        """Record a certificate the provider holds. Who may: as PATCH of the provider."""
        provider = services.get_visible_provider(api_user(), provider_id)
        return services.add_qualification(provider, actor=api_user(), **data)


@blp.route("/providers/<int:provider_id>/qualifications/<int:qualification_id>")
class QualificationById(MethodView):
    @token_required(*WRITERS)
    @blp.response(204)
    @_errors(403, 404)
    def delete(self, provider_id, qualification_id):
        """Remove a certificate recorded by mistake. Who may: as PATCH of the provider."""
        provider = services.get_visible_provider(api_user(), provider_id)
        qualification = db.session.get(Qualification, qualification_id)
        if qualification is None or qualification.provider_id != provider.id:
            raise NotFound(_("Not found."))
        services.remove_qualification(qualification, actor=api_user())


# ---- facilities --------------------------------------------------------------------------

def _facility_values(data: dict[str, Any], facility: Facility | None = None) -> dict[str, Any]:
    """The API's body as ``create_facility``/``update_facility`` arguments."""
    values = dict(data)
    if "region_code" in values:
        values["region"] = values.pop("region_code")
    wards, ward_beds = values.pop("wards", None), values.pop("ward_beds", None)
    if ward_beds is not None:
        if wards is not None and set(wards) != set(ward_beds):
            raise ValidationError(_("The facility was not saved."), {
                "wards": [_("The wards and the beds per ward name different wards.")]})
        values["wards"] = {ward.value: beds for ward, beds in ward_beds.items()}
    elif wards is not None:  # names only: keep the beds a ward already has
        known = facility.ward_beds if facility is not None else {}
        values["wards"] = {ward.value: known.get(ward.value, 0) for ward in wards}
    return values


@blp.route("/facilities")
class Facilities(MethodView):
    @token_required()
    @blp.arguments(s.FacilityArgs, location="query")
    @blp.response(200, page_schema(s.FacilityOut, "FacilityPage"))
    def get(self, args):
        """Facilities the caller may see (a provider: those of its contracts), by name."""
        stmt = listing.facilities_stmt(api_user(), q=args.get("q"), kind=args.get("kind"),
                                       region=query_region(args), sort=args.get("sort"))
        page = page_of(stmt.options(so.selectinload(Facility.wards)), args)
        preload_operators(page["items"])
        return page

    @token_required(*WRITERS)
    @blp.arguments(s.FacilityIn)
    @blp.response(201, s.FacilityOut)
    @_errors(422)
    def post(self, data):
        """Register a facility inside the caller's region."""
        return services.create_facility(**_facility_values(data), actor=api_user())


@blp.route("/facilities/<int:facility_id>")
class FacilityById(MethodView):
    @token_required()
    @blp.response(200, s.FacilityOut)
    @_errors(404)
    def get(self, facility_id):
        """One facility, with its wards and current operator."""
        return services.get_visible_facility(api_user(), facility_id)

    @token_required(*WRITERS)
    @blp.arguments(s.FacilityPatch)
    @blp.response(200, s.FacilityOut)
    @_errors(404, 409, 422)
    def patch(self, data, facility_id):
        """Change any of the facility's fields; a new region lies inside the caller's."""
        user = api_user()
        facility = services.get_visible_facility(user, facility_id)
        expect_revision(facility, data.pop("revision", None))
        return services.update_facility(facility, actor=user,
                                        **_facility_values(data, facility))


# ---- procurement -------------------------------------------------------------------------

@blp.route("/procurements")
class Procurements(MethodView):
    @token_required()
    @blp.arguments(s.ProcurementArgs, location="query")
    @blp.response(200, page_schema(s.ProcurementOut, "ProcurementPage"))
    def get(self, args):
        """Procurements the caller may see (none for providers), newest first."""
        stmt = listing.procurements_stmt(
            api_user(), q=args.get("q"), service_type=args.get("service_type"),
            method=args.get("method"), status=args.get("status"), region=query_region(args),
            sort=args.get("sort"))
        return page_of(stmt, args)

    @token_required(*WRITERS)
    @blp.arguments(s.ProcurementIn)
    @blp.response(201, s.ProcurementOut)
    @_errors(422)
    def post(self, data):
        """Open a procurement inside the caller's region."""
        values = dict(data)
        values["region"] = values.pop("region_code")
        values["facility"] = values.pop("facility_id", None)
        return services.create_procurement(**values, actor=api_user())


@blp.route("/procurements/<int:procurement_id>")
class ProcurementById(MethodView):
    @token_required()
    @blp.response(200, rs.ProcurementDetailOut)
    @_errors(404)
    def get(self, procurement_id):
        """One procurement with its bids, cheapest first, and its red flags."""
        return services.get_visible_procurement(api_user(), procurement_id)


@blp.route("/procurements/<int:procurement_id>/cancel")
class ProcurementCancel(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(s.CancelIn)
    @blp.response(200, s.ProcurementOut)
    @_errors(404, 409, 422)
    def post(self, data, procurement_id):
        """Cancel an open procurement; a reason is required."""
        procurement = services.get_visible_procurement(api_user(), procurement_id)
        return services.cancel_procurement(procurement, data["reason"])


@blp.route("/procurements/<int:procurement_id>/bids")
class Bids(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(s.BidIn)
    @blp.response(201, s.BidOut)
    @_errors(404, 409, 422)
    def post(self, data, procurement_id):
        """Record a provider's bid (one per provider)."""
        procurement = services.get_visible_procurement(api_user(), procurement_id)
        values = dict(data)
        values["provider"] = values.pop("provider_id")
        return services.submit_bid(procurement, **values)


@blp.route("/bids/<int:bid_id>/award")
class BidAward(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(AwardTargetsIn)
    @blp.response(201, s.ContractOut)
    @_errors(404, 409, 422)
    def post(self, data, bid_id):
        """Award the procurement to this bid; answers the DRAFT contract it creates.
        Refusals (provider suspended or unqualified, price over budget) → 422 naming
        ``provider_id`` or ``price``."""
        user = api_user()
        bid = db.session.get(Bid, bid_id)
        if bid is None:
            raise NotFound(_("Not found."))
        services.get_visible_procurement(user, bid.procurement_id)
        return services.award_bid(bid, user, **data)


# ---- red flags ---------------------------------------------------------------------------

@blp.route("/red-flags")
class RedFlags(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(rs.RedFlagArgs, location="query")
    @blp.response(200, page_schema(rs.ListedRedFlagOut, "RedFlagPage"))
    def get(self, args):
        """Red flags of the procurements the caller may see, newest procurement first, by
        rule ``code``, ``region_code`` and ``reviewed``: reasons to look, never verdicts."""
        flags = red_flags.flag_list(api_user(), code=args.get("code"),
                                    region=query_region(args), reviewed=args.get("reviewed"))
        page, per_page = args["page"], args["per_page"]
        return {"items": flags[(page - 1) * per_page:page * per_page], "total": len(flags),
                "page": page, "per_page": per_page}


@blp.route("/procurements/<int:procurement_id>/red-flags/<code>/review")
class RedFlagReviewView(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(rs.RedFlagReviewIn)
    @blp.response(200, rs.RedFlagOut)
    @_errors(404, 422)
    def post(self, data, procurement_id, code):
        """Mark a flag reviewed with a comment (audited); a flag the procurement does not
        raise → 422 on ``code``. Answers the flag with its review."""
        procurement = services.get_visible_procurement(api_user(), procurement_id)
        red_flags.review_flag(procurement, code, data["comment"], api_user())
        return next(flag for flag in red_flags.flags_of(procurement) if flag.code == code)
