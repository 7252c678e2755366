"""HTML views of the contracts feature: the helpers every page shares, and providers.

Thin: each view reads a form, calls ``contracts.services`` and renders or redirects. A refused
operation re-renders its page with the refusal (422 for bad input, 409 for a conflict), so the
unit of work rolls back and nothing is stored. Lists build their statement in
``contracts.listing`` so that the Excel export writes the same rows.

The other pages of the blueprint ``contracts``: ``facility_views``, ``procurement_views``,
``contract_views`` (imported by the package).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.audit.models import AuditLog
from app.auth.login import role_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ConfirmForm, apply_errors
from app.users.models import Role, User
from contracts import EVERYONE, STAFF, bp, listing, services
from contracts.forms import ProviderForm, ProviderStatusForm, QualificationForm
from contracts.labels import PROVIDER_STATUS_LABELS
from contracts.models import ProviderKind, ProviderStatus

PER_PAGE = 25


def _is_staff() -> bool:
    return current_user.role in STAFF


def _refused(form, error: DomainError) -> None:
    """Undo whatever the refused operation flushed and show its reasons on the form."""
    db.session.rollback()
    apply_errors(form, error)


def _form_page(template: str, form, **context):
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _list(kind: str, template: str, **context):
    stmt = getattr(listing, f"{kind}_list_stmt")(request.args, current_user)
    if request.args.get("format") == "xlsx":
        try:
            from contracts.exports import export_response
        except ImportError:  # the export engine is not installed yet
            abort(404)
        return export_response(kind, stmt)
    page = db.paginate(stmt, per_page=PER_PAGE)
    return render_template(template, page=page, args=request.args, **context)


def _region_visible(code: str) -> bool:
    return any(region.code == code for region in listing.region_options(current_user))


# ---- providers ---------------------------------------------------------------------------

@bp.route("/providers")
@role_required(*STAFF)
def providers():
    return _list("providers", "contracts/providers.html", kinds=list(ProviderKind),
                 statuses=list(ProviderStatus))


@bp.route("/providers/new", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_create():
    form = ProviderForm()
    if form.validate_on_submit():
        try:
            provider = services.create_provider(**form.values())
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Provider %(name)s created.", name=provider.name), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _form_page("contracts/provider_form.html", form, provider=None)


def _status_history(provider) -> list[AuditLog]:
    rows = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "providers", AuditLog.object_id == str(provider.id),
        AuditLog.action == "update").order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    return [row for row in rows if "status" in (row.changes or {})]


def _provider_page(provider, status: int = 200, **forms):
    contracts = db.session.scalars(listing.contracts_list_stmt(
        {"provider": str(provider.id)}, current_user)).all()
    context = dict(
        provider=provider, contracts=contracts, today=clock.today(),
        is_expiring=services.is_expiring, can_write=_is_staff(),
        history=_status_history(provider) if _is_staff() else [],
        users=db.session.scalars(sa.select(User).where(User.provider_id == provider.id)
                                 .order_by(User.email)).all()
        if current_user.role is Role.ADMIN else [],
        qualification_form=QualificationForm(formdata=None), confirm_form=ConfirmForm())
    context.update(forms)
    return render_template("contracts/provider_detail.html", **context), status


@bp.route("/providers/<int:provider_id>")
@role_required(*EVERYONE)
def provider(provider_id: int):
    return _provider_page(services.get_visible_provider(current_user, provider_id))


@bp.route("/my-organization")
@role_required(Role.PROVIDER)
def my_organization():
    return _provider_page(services.get_visible_provider(current_user, current_user.provider_id))


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_edit(provider_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    form = ProviderForm(obj=provider)
    if form.validate_on_submit():
        try:
            services.update_provider(provider, **form.values())
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Provider %(name)s saved.", name=provider.name), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _form_page("contracts/provider_form.html", form, provider=provider)


@bp.route("/providers/<int:provider_id>/status", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_status(provider_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    form = ProviderStatusForm()
    if form.validate_on_submit():
        try:
            services.set_provider_status(provider, form.status.data, form.reason.data)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("The status of %(name)s is now: %(status)s.", name=provider.name,
                    status=PROVIDER_STATUS_LABELS[provider.status]), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _form_page("contracts/provider_status.html", form, provider=provider)


@bp.route("/providers/<int:provider_id>/qualifications", methods=["POST"])
@role_required(*STAFF)
def qualification_add(provider_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    form = QualificationForm()
    if form.validate_on_submit():
        try:
            services.add_qualification(provider, cert_type=form.cert_type.data,
                                       number=form.number.data, issuer=form.issuer.data or "",
                                       valid_until=form.valid_until.data)
        except DomainError as error:
            _refused(form, error)
        else:
            flash(_("Qualification added."), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _provider_page(provider, 422, qualification_form=form)


@bp.route("/providers/<int:provider_id>/qualifications/<int:qualification_id>/remove",
          methods=["POST"])
@role_required(*STAFF)
def qualification_remove(provider_id: int, qualification_id: int):
    provider = services.get_visible_provider(current_user, provider_id)
    qualification = next((q for q in provider.qualifications if q.id == qualification_id), None)
    if qualification is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_qualification(qualification)
        flash(_("Qualification removed."), "success")
    return redirect(url_for(".provider", provider_id=provider.id))
