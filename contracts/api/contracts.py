"""``/api/v1`` endpoints of contracts: the list, drafting and editing a draft, status
transitions and amendments."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema
from app.unit_of_work import expect_revision
from contracts import listing, services
from contracts import schemas as s
from contracts.api import WRITERS, error_answers, page_of, query_region
from contracts.models import Contract, ContractAmendment, ContractTransition

blp = Blueprint("api_contracts", __name__, url_prefix="/api/v1",
                description="Contracts, their status transitions and amendments")

#: ``?...`` filters of the list, passed as they are to ``listing.contracts_stmt``
LIST_FILTERS = ("q", "status", "service_type", "provider_id", "facility_id",
                "expiring_within_days", "sort")


def _errors(*codes: int):
    return error_answers(blp, *codes)


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
        """Contracts the caller may see, the highest number first (as the HTML list)."""
        filters = {key: args[key] for key in LIST_FILTERS if key in args}
        stmt = listing.contracts_stmt(api_user(), region=query_region(args), **filters)
        return page_of(stmt.options(so.selectinload(Contract.installments)), args)

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
        expect_revision(contract, data.pop("revision", None))
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
        return page_of(stmt, args)

    @token_required(*WRITERS)
    @blp.arguments(s.TransitionIn)
    @blp.response(201, s.TransitionOut)
    @_errors(404, 409, 422)
    def post(self, data, contract_id):
        """Move the contract to another status; an illegal step is a 409."""
        user = api_user()
        contract = services.get_visible_contract(user, contract_id)
        expect_revision(contract, data.pop("revision", None))
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
        return page_of(stmt, args)

    @token_required(*WRITERS)
    @blp.arguments(s.AmendmentIn)
    @blp.response(201, s.AmendmentOut)
    @_errors(404, 409, 422)
    def post(self, data, contract_id):
        """Amend an active or suspended contract's amount, end date or targets."""
        user = api_user()
        contract = services.get_visible_contract(user, contract_id)
        expect_revision(contract, data.pop("revision", None))
        return services.amend_contract(contract, actor=user, **data)
