"""HTML views of providers: list, detail ("My organization" for a provider's users), create,
edit, status, qualifications.

Thin: each view reads a form, calls ``contracts.services`` and renders or redirects; the
helpers every page shares are in ``contracts.web``, the list statements in ``contracts.listing``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.auth.login import role_required
from app.errors import DomainError
from app.forms import ConfirmForm
from app.unit_of_work import expect_revision
from app.users.models import Role
from contracts import EVERYONE, STAFF, bp, listing, services
from contracts.forms import ProviderForm, ProviderStatusForm, QualificationForm
from contracts.labels import PROVIDER_STATUS_LABELS
from contracts.models import ProviderKind, ProviderStatus
from contracts.web import (
    form_page,
    is_staff,
    list_page,
    provider_suggestions_answer,
    show_refusal,
)

# ---- providers ---------------------------------------------------------------------------

@bp.route("/providers")
@role_required(*STAFF)
def providers():
    return list_page("providers", "contracts/providers.html", kinds=list(ProviderKind),
                 statuses=list(ProviderStatus))


@bp.get("/providers/suggest")
@role_required(Role.ADMIN, Role.OFFICER, Role.INSPECTOR)
def provider_suggest():
    """The contract list's provider typeahead: the visible providers whose name or credit code
    contains ``q`` (:func:`contracts.web.provider_suggestions_answer`). A provider's users
    filter nothing by provider (they see their own rows only): 403."""
    return provider_suggestions_answer()


@bp.route("/providers/new", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_create():
    form = ProviderForm()
    if form.validate_on_submit():
        try:
            provider = services.create_provider(**form.values())
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_("Provider %(name)s created.", name=provider.name), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return form_page("contracts/provider_form.html", form, provider=None)


def _changeable_provider(provider_id: int):
    """The provider, if the current user may change it: 403 if only seen, 404 if not even."""
    provider = services.get_visible_provider(current_user, provider_id)
    if not services.may_change_provider(current_user, provider):
        abort(403)
    return provider


def _provider_page(provider, status: int = 200, **forms):
    context = dict(
        provider=provider, contracts=listing.provider_contracts(current_user, provider),
        today=clock.today(), is_expiring=services.is_expiring,
        can_write=is_staff() and services.may_change_provider(current_user, provider),
        history=services.status_history(provider) if is_staff() else [],
        users=services.provider_accounts(provider) if current_user.role is Role.ADMIN else [],
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
    provider = _changeable_provider(provider_id)
    form = ProviderForm(obj=provider)
    if form.validate_on_submit():
        try:
            expect_revision(provider, form.revision.data)
            services.update_provider(provider, actor=current_user, **form.values())
        except DomainError as error:
            show_refusal(form, error, revisioned=provider)
        else:
            flash(_("Provider %(name)s saved.", name=provider.name), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return form_page("contracts/provider_form.html", form, provider=provider)


@bp.route("/providers/<int:provider_id>/status", methods=["GET", "POST"])
@role_required(*STAFF)
def provider_status(provider_id: int):
    provider = _changeable_provider(provider_id)
    form = ProviderStatusForm(revision=provider.revision)
    if form.validate_on_submit():
        try:
            expect_revision(provider, form.revision.data)
            services.set_provider_status(provider, form.status.data, form.reason.data,
                                         actor=current_user)
        except DomainError as error:
            show_refusal(form, error, revisioned=provider)
        else:
            flash(_("The status of %(name)s is now: %(status)s.", name=provider.name,
                    status=PROVIDER_STATUS_LABELS[provider.status]), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return form_page("contracts/provider_status.html", form, provider=provider)


@bp.route("/providers/<int:provider_id>/qualifications", methods=["POST"])
@role_required(*STAFF)
def qualification_add(provider_id: int):
    provider = _changeable_provider(provider_id)
    form = QualificationForm()
    if form.validate_on_submit():
        try:
            services.add_qualification(provider, cert_type=form.cert_type.data,
                                       number=form.number.data, issuer=form.issuer.data or "",
                                       valid_until=form.valid_until.data, actor=current_user)
        except DomainError as error:
            show_refusal(form, error)
        else:
            flash(_("Qualification added."), "success")
            return redirect(url_for(".provider", provider_id=provider.id))
    return _provider_page(provider, 422, qualification_form=form)


@bp.route("/providers/<int:provider_id>/qualifications/<int:qualification_id>/remove",
          methods=["POST"])
@role_required(*STAFF)
def qualification_remove(provider_id: int, qualification_id: int):
    provider = _changeable_provider(provider_id)
    qualification = next((q for q in provider.qualifications if q.id == qualification_id), None)
    if qualification is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_qualification(qualification, actor=current_user)
        flash(_("Qualification removed."), "success")
    return redirect(url_for(".provider", provider_id=provider.id))
