"""The landing dashboard and the language switcher."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.auth.next_url import local_path
from app.extensions import db
from app.main import bp
from app.main.dashboard import dashboard_for
from app.users.services import set_locale


@bp.route("/")
@login_required
def home():
    return render_template("main/home.html", cards=dashboard_for(current_user))


@bp.route("/language", methods=["POST"])
def language():
    """Switch the UI language; remembered on the account when logged in (CSRFProtect checks
    the token before this view runs)."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            set_locale(current_user, locale)
            db.session.flush()
    return redirect(local_path(request.form.get("next")) or url_for("main.home"))
