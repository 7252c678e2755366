"""Admin pages: list, create, edit, disable and enable users, reset passwords, sign a user
out everywhere."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.auth.login import admin_required, stay_signed_in
from app.errors import DomainError, ValidationError
from app.extensions import db
from app.forms import ConfirmForm, apply_errors, page_status
from app.lookups import suggestions_answer
from app.regions.services import get_by_code
from app.users import bp, services
from app.users.forms import PasswordResetForm, UserCreateForm, UserEditForm, UserFilterForm
from app.users.models import User
from app.users.provider_lookup import ProviderLookup


def _binding(form) -> tuple:
    region = get_by_code(form.region_code.data) if form.region_code.data else None
    provider_id = form.provider_id.data
    return region, provider_id


def _filled_edit_form(user: User, **kwargs) -> UserEditForm:
    form = UserEditForm(obj=user, **kwargs)
    form.role.data = user.role.value
    form.region_code.data = user.region.code if user.region else ""
    form.provider_id.data = user.provider_id
    form.seen.data = services.user_stamp(user)
    return form


@bp.route("/")
@admin_required
def index():
    filters = UserFilterForm(request.args)
    stmt = sa.select(User).order_by(User.email)
    if filters.q.data:
        like = f"%{filters.q.data.strip()}%"
        stmt = stmt.where(sa.or_(User.email.ilike(like), User.name.ilike(like)))
    if filters.role.data:
        stmt = stmt.where(User.role == filters.role.data)
    if filters.status.data:
        stmt = stmt.where(User.is_enabled.is_(filters.status.data == "enabled"))
    page = db.paginate(stmt, per_page=25)
    return render_template("users/index.html", page=page, filters=filters)


@bp.get("/new/providers")
@admin_required
def provider_lookup():
    """The user form's typeahead of provider organizations whose name or credit code contains
    ``q`` (:func:`app.lookups.suggestions_answer`)."""
    return suggestions_answer(ProviderLookup)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    form = UserCreateForm()
    if form.validate_on_submit():
        region, provider_id = _binding(form)
        try:
            user = services.create_user(email=form.email.data, password=form.password.data,
                                        role=form.role.data, name=form.name.data, region=region,
                                        provider_id=provider_id)
        except DomainError as error:  # also the same e-mail created by another admin just now
            apply_errors(form, error)
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for(".index"))
    return render_template("users/form.html", form=form, user=None), page_status(form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _filled_edit_form(user) if request.method == "GET" else UserEditForm(obj=user)
    status = None
    if form.validate_on_submit():
        region, provider_id = _binding(form)
        try:
            services.update_user(user, name=form.name.data, role=form.role.data, region=region,
                                 provider_id=provider_id,
                                 can_view_full_ids=form.can_view_full_ids.data,
                                 seen=form.seen.data or None)
        except DomainError as error:
            apply_errors(form, error)
            status = error.status
            form.seen.data = services.user_stamp(user)  # a retry saves over what it shows
        else:
            flash(_("User %(email)s saved.", email=user.email), "success")
            return redirect(url_for(".index"))
    return _edit_page(user, form, PasswordResetForm(formdata=None),
                      status or page_status(form))


def _edit_page(user: User, form: UserEditForm, reset_form: PasswordResetForm, status: int):
    return render_template("users/form.html", form=form, user=user, reset_form=reset_form,
                           confirm_form=ConfirmForm()), status


@bp.route("/<int:user_id>/password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if user.id == current_user.id:  # the admin's own: this session goes on
                stay_signed_in(user)
            flash(_("The password of %(email)s was reset. Their sessions and API tokens have "
                    "ended.", email=user.email), "success")
            return redirect(url_for(".edit", user_id=user.id))
    return _edit_page(user, _filled_edit_form(user, formdata=None), form, 422)


@bp.route("/<int:user_id>/sessions", methods=["POST"])
@admin_required
def sign_out_everywhere(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        services.end_sessions(user)
        if user.id == current_user.id:
            logout_user()
            flash(_("You are signed out everywhere."), "info")
            return redirect(url_for("auth.login"))
        flash(_("%(email)s is signed out everywhere: every session, remember-me cookie and "
                "API token has ended.", email=user.email), "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.route("/<int:user_id>/<any(enable, disable):action>", methods=["POST"])
@admin_required
def set_enabled(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_enabled(user, action == "enable", acting=current_user)
        except ValidationError as error:
            flash(error.message, "danger")
        else:
            flash(_("User %(email)s enabled.", email=user.email) if user.is_enabled
                  else _("User %(email)s disabled.", email=user.email), "success")
    return redirect(url_for(".index"))
