"""HTML views of the contracts feature."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request

from app.auth.login import role_required
from app.extensions import db
from app.users.models import Role
from contracts import bp
from contracts.models import Provider, ProviderKind
from contracts.services import provider_cards  # noqa: F401  (registers the dashboard card)


@bp.route("/providers")
@role_required(Role.ADMIN, Role.OFFICER)
def providers():
    q = (request.args.get("q") or "").strip()
    kind = request.args.get("kind") or ""
    stmt = sa.select(Provider).order_by(Provider.name)
    if q:
        stmt = stmt.where(sa.or_(Provider.name.contains(q), Provider.credit_code.startswith(q)))
    if kind in {k.value for k in ProviderKind}:
        stmt = stmt.where(Provider.kind == kind)
    page = db.paginate(stmt, per_page=25)
    return render_template("contracts/providers.html", page=page, q=q, kind=kind,
                           kinds=list(ProviderKind))
