"""Core endpoints: tokens and the caller's identity."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.views import MethodView

from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.auth import services as auth
from app.errors import DomainError
from app.unit_of_work import keep_despite_error

blp = Blueprint("api_core", __name__, url_prefix="/api/v1",
                description="Authentication and the caller's identity")


class Credentials(ma.Schema):
    email = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)


class TokenOut(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()


class Me(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.Function(lambda u: u.role.value)
    region_code = ma.fields.Function(lambda u: u.region.code if u.region else None)
    provider_id = ma.fields.Integer(allow_none=True)
    locale = ma.fields.String(allow_none=True)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(Credentials)
    @blp.response(201, TokenOut)
    @blp.alt_response(401, description="Wrong credentials or disabled account")
    @blp.alt_response(429, description="Too many failed logins")
    def post(self, creds):
        """Exchange e-mail and password for a bearer token."""
        try:
            user = auth.authenticate(creds["email"], creds["password"], request.remote_addr)
        except DomainError:
            keep_despite_error()  # the failed try must count towards throttling
            raise
        issued = auth.issue_token(user)
        return {"token": issued.token, "expires_at": issued.record.expires_at}

    @token_required()
    @blp.response(204)
    def delete(self):
        """Revoke the token used for this request."""
        auth.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())


@blp.route("/me")
class MeView(MethodView):
    @token_required()
    @blp.response(200, Me)
    def get(self):
        """The caller: id, e-mail, role, region and provider."""
        return api_user()
