"""Each user's own page: who they are, a change of password, and "sign out everywhere"."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.auth import services as auth
from app.auth.login import stay_signed_in
from app.errors import ValidationError
from app.forms import ConfirmForm, apply_errors
from app.unit_of_work import keep_despite_error
from app.users import account_bp as bp
from app.users import services
from app.users.forms import PasswordChangeForm


def _page(form: PasswordChangeForm, status: int = 200):
    return render_template("users/account.html", user=current_user, password_form=form,
                           confirm_form=ConfirmForm()), status


@bp.route("/")
@login_required
def account():
    return _page(PasswordChangeForm(formdata=None))


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            auth.change_own_password(user, form.current_password.data, form.password.data,
                                     request.remote_addr)
        except ValidationError as error:
            if isinstance(error, auth.WrongCurrentPassword):
                keep_despite_error()  # the failed try counts towards throttling
            apply_errors(form, error)
        else:
            stay_signed_in(user)
            flash(_("Your password was changed. Every other session and every API token of "
                    "yours has ended."), "success")
            return redirect(url_for(".account"))
    return _page(form, 422)


@bp.route("/sessions", methods=["POST"])
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        services.end_sessions(current_user._get_current_object())
        logout_user()
        flash(_("You are signed out everywhere: on every device, including this one, and "
                "from the API."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for(".account"))
