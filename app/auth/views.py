"""Login and logout pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import LoginForm, LogoutForm
from app.auth.next_url import local_path
from app.forms import page_status


def _safe_next(target: str | None) -> str:
    # Only a path on this site: anything else in ?next= would make us an open redirect.
    return local_path(target) or url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         request.remote_addr)
        except (services.LoginRefused, services.LoginThrottled) as refusal:
            # 200, not 4xx: the failed try is recorded and must be committed
            form.password.errors.append(refusal.message)
            return render_template("auth/login.html", form=form)
        services.begin_session(user)
        login_user(user, remember=form.remember.data)
        flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), page_status(form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        services.sign_out(current_user)
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
