"""``/api/v1`` endpoints of the contracts feature: providers, facilities, contracts (with their
transitions and amendments) and procurement.

Officers and admins write; every role reads what ``contracts.visibility`` lets it see, and an
object it may not see answers 404 like a missing one. The rules live in ``contracts.services``;
their domain errors become the API's error format on their own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app import clock
from app.api.auth import api_user, token_required
from app.api.schemas import ApiErrorSchema, PageArgs, page_schema, paginate
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.regions.services import get_by_code, require_region
from app.scoping import region_subtree
from app.users.models import Role, User
from contracts import schemas as s
from contracts import services
from contracts.common import raise_if
from contracts.models import (
    Bid,
    Contract,
    ContractAmendment,
    ContractStatus,
    ContractTransition,
    Facility,
    Procurement,
    Provider,
    Qualification,
)
from contracts.terms import check_actor_region

blp = Blueprint("api_contracts", __name__, url_prefix="/api/v1",
                description="Providers, facilities, procurement and contracts")

WRITERS = (Role.OFFICER, Role.ADMIN)


def _errors(*codes: int):
    """Document the error answers of an endpoint (all in the one error format)."""
    descriptions = {
        404: "Missing, or hidden from the caller",
        409: "Clashes with the current state",
        422: "Invalid input; error.fields names each culprit",
    }

    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema, description=descriptions[code])(
                view)
        return view

    return decorator


def _in_region(stmt: sa.Select, column: Any, code: str | None) -> sa.Select:
    """Rows of region ``code`` and below (an unknown code is a 422 on ``region_code``)."""
    if code is None:
        return stmt
    return stmt.where(column.in_(region_subtree(require_region(code, "region_code"))))


def _check_own_region(user: User, code: str | None, message: str) -> None:
    """Officers work inside their own region subtree (services check it for contracts and
    procurements; facilities are checked here)."""
    region = get_by_code(code) if code else None
    errors: dict[str, list[str]] = {}
    check_actor_region(user, region, errors)
    raise_if(errors, message)


def _like(text: str) -> str:
    return f"%{text.strip()}%"


# ---- providers ---------------------------------------------------------------------------

@blp.route("/providers")
class Providers(MethodView):
    @token_required()
    @blp.arguments(s.ProviderArgs, location="query")
    @blp.response(200, page_schema(s.ProviderOut, "ProviderPage"))
    def get(self, args):
        """Providers the caller may see (officers: all; a provider: itself)."""
        stmt = services.visible_providers(api_user()).order_by(Provider.name, Provider.id)
        if args.get("q"):
            stmt = stmt.where(sa.or_(Provider.name.ilike(_like(args["q"])),
                                     Provider.credit_code.ilike(_like(args["q"]))))
        for key in ("kind", "status"):
            if key in args:
                stmt = stmt.where(getattr(Provider, key) == args[key])
        return paginate(stmt, args["page"], args["per_page"])

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
    @_errors(404, 422)
    def patch(self, data, provider_id):
        """Change any of the provider's fields (status: ``POST .../status``)."""
        provider = services.get_visible_provider(api_user(), provider_id)
        return services.update_provider(provider, **data)


@blp.route("/providers/<int:provider_id>/status")
class ProviderStatusView(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(s.ProviderStatusIn)
    @blp.response(200, s.ProviderOut)
    @_errors(404, 422)
    def post(self, data, provider_id):
        """Suspend, debar or reinstate a provider; a reason is required."""
        provider = services.get_visible_provider(api_user(), provider_id)
        return services.set_provider_status(provider, data["status"], data["reason"])


@blp.route("/providers/<int:provider_id>/qualifications")
class Qualifications(MethodView):
    @token_required(*WRITERS)
    @blp.arguments(s.QualificationIn)
    @blp.response(201, s.QualificationOut)
    @_errors(404, 422)
    def post(self, data, provider_id):
        """Record a certificate the provider holds."""
        provider = services.get_visible_provider(api_user(), provider_id)
        return services.add_qualification(provider, **data)


@blp.route("/providers/<int:provider_id>/qualifications/<int:qualification_id>")
class QualificationById(MethodView):
    @token_required(*WRITERS)
    @blp.response(204)
    @_errors(404)
    def delete(self, provider_id, qualification_id):
        """Remove a certificate recorded by mistake."""
        provider = services.get_visible_provider(api_user(), provider_id)
        qualification = db.session.get(Qualification, qualification_id)
        if qualification is None or qualification.provider_id != provider.id:
            raise NotFound(_("Not found."))
        services.remove_qualification(qualification)


# ---- facilities --------------------------------------------------------------------------

def _facility_values(data: dict[str, Any], user: User,
                     facility: Facility | None = None) -> dict[str, Any]:
    """The API's body as ``create_facility``/``update_facility`` arguments."""
    values = dict(data)
    if "region_code" in values:
        values["region"] = values.pop("region_code")
        _check_own_region(user, values["region"], _("The facility was not saved."))
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
        """Facilities the caller may see (a provider: those of its contracts)."""
        stmt = services.visible_facilities(api_user()).order_by(Facility.name, Facility.id)
        stmt = _in_region(stmt, Facility.region_id, args.get("region_code"))
        if args.get("q"):
            stmt = stmt.where(Facility.name.ilike(_like(args["q"])))
        if "kind" in args:
            stmt = stmt.where(Facility.kind == args["kind"])
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(*WRITERS)
    @blp.arguments(s.FacilityIn)
    @blp.response(201, s.FacilityOut)
    @_errors(422)
    def post(self, data):
        """Register a facility inside the caller's region."""
        return services.create_facility(**_facility_values(data, api_user()))


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
    @_errors(404, 422)
    def patch(self, data, facility_id):
        """Change any of the facility's fields."""
        user = api_user()
        facility = services.get_visible_facility(user, facility_id)
        return services.update_facility(facility, **_facility_values(data, user, facility))


# ---- contracts ---------------------------------------------------------------------------

_CONTRACT_RENAMES = {"provider_id": "provider", "facility_id": "facility",
                     "region_code": "region"}


def _contract_values(data: dict[str, Any]) -> dict[str, Any]:
    return {_CONTRACT_RENAMES.get(key, key): value for key, value in data.items()}


@blp.route("/contracts")
class Contracts(MethodView):
    @token_required()
    @blp.arguments(s.ContractArgs, location="query")
    @blp.response(200, page_schema(s.ContractOut, "ContractPage"))
    def get(self, args):
        """Contracts the caller may see, newest start first."""
        stmt = services.visible_contracts(api_user()).order_by(Contract.start_date.desc(),
                                                                Contract.id.desc())
        stmt = _in_region(stmt, Contract.region_id, args.get("region_code"))
        for key in ("status", "service_type", "provider_id"):
            if key in args:
                stmt = stmt.where(getattr(Contract, key) == args[key])
        if "expiring_within_days" in args:
            today = clock.today()
            stmt = stmt.where(
                Contract.status.in_((ContractStatus.ACTIVE, ContractStatus.SUSPENDED)),
                Contract.end_date.between(
                    today, today + timedelta(days=args["expiring_within_days"])))
        if args.get("q"):
            stmt = stmt.where(sa.or_(Contract.title.ilike(_like(args["q"])),
                                     Contract.number.ilike(_like(args["q"]))))
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(*WRITERS)
    @blp.arguments(s.ContractIn)
    @blp.response(201, s.ContractOut)
    @_errors(422)
    def post(self, data):
        """Draft a contract (status ``draft``, version 1, a fresh number)."""
        return services.create_contract(**_contract_values(data), actor=api_user())


@blp.route("/contracts/<int:contract_id>")
class ContractById(MethodView):
    @token_required()
    @blp.response(200, s.ContractOut)
    @_errors(404)
    def get(self, contract_id):
        """One contract with its payment schedule."""
        return services.get_visible_contract(api_user(), contract_id)

    @token_required(*WRITERS)
    @blp.arguments(s.ContractPatch)
    @blp.response(200, s.ContractOut)
    @_errors(404, 409, 422)
    def patch(self, data, contract_id):
        """Edit a draft. Once active, the contract changes only through amendments (409)."""
        user = api_user()
        contract = services.get_visible_contract(user, contract_id)
        return services.update_contract(contract, actor=user, **_contract_values(data))


@blp.route("/contracts/<int:contract_id>/transitions")
class Transitions(MethodView):
    @token_required()
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(s.TransitionOut, "TransitionPage"))
    @_errors(404)
    def get(self, args, contract_id):
        """The contract's status changes, oldest first."""
        contract = services.get_visible_contract(api_user(), contract_id)
        stmt = (sa.select(ContractTransition).where(ContractTransition.contract_id == contract.id)
                .order_by(ContractTransition.id))
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(*WRITERS)
    @blp.arguments(s.TransitionIn)
    @blp.response(201, s.TransitionOut)
    @_errors(404, 409, 422)
    def post(self, data, contract_id):
        """Move the contract to another status; an illegal step is a 409."""
        user = api_user()
        contract = services.get_visible_contract(user, contract_id)
        return services.transition_contract(contract, data["to"], actor=user,
                                            reason=data.get("reason", ""))


@blp.route("/contracts/<int:contract_id>/amendments")
class Amendments(MethodView):
    @token_required()
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(s.AmendmentOut, "AmendmentPage"))
    @_errors(404)
    def get(self, args, contract_id):
        """The contract's amendments, oldest first."""
        contract = services.get_visible_contract(api_user(), contract_id)
        stmt = (sa.select(ContractAmendment).where(ContractAmendment.contract_id == contract.id)
                .order_by(ContractAmendment.version))
        return paginate(stmt, args["page"], args["per_page"])

    @token_required(*WRITERS)
    @blp.arguments(s.AmendmentIn)
    @blp.response(201, s.AmendmentOut)
    @_errors(404, 409, 422)
    def post(self, data, contract_id):
        """Amend an active or suspended contract's amount, end date or targets."""
        user = api_user()
        contract = services.get_visible_contract(user, contract_id)
        return services.amend_contract(contract, actor=user, **data)


# ---- procurement -------------------------------------------------------------------------

@blp.route("/procurements")
class Procurements(MethodView):
    @token_required()
    @blp.arguments(s.ProcurementArgs, location="query")
    @blp.response(200, page_schema(s.ProcurementOut, "ProcurementPage"))
    def get(self, args):
        """Procurements the caller may see (none for providers)."""
        stmt = services.visible_procurements(api_user()).order_by(Procurement.id.desc())
        stmt = _in_region(stmt, Procurement.region_id, args.get("region_code"))
        for key in ("status", "service_type"):
            if key in args:
                stmt = stmt.where(getattr(Procurement, key) == args[key])
        return paginate(stmt, args["page"], args["per_page"])

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
    @blp.response(200, s.ProcurementOut)
    @_errors(404)
    def get(self, procurement_id):
        """One procurement with its bids, cheapest first."""
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
    @blp.arguments(s.AwardIn)
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
