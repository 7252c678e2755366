"""The bell, the list of one's notices, and one's preferences."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SubmitField

from app.extensions import db
from app.forms import Form
from app.notifications import bp, services
from app.notifications.kinds import KINDS, label_for


class ActionForm(Form):
    """CSRF only: mark read, mark all read, save preferences."""

    submit = SubmitField()


@bp.app_context_processor
def bell_context() -> dict:
    """``notification_unread`` for ``notifications/_bell.html`` (None when logged out)."""
    if not current_user or not current_user.is_authenticated:
        return {"notification_unread": None}
    return {"notification_unread": services.unread_count(current_user)}


@bp.route("/")
@login_required
def index():
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        kind = None
    page = db.paginate(services.visible_notifications(current_user, kind), per_page=25)
    return render_template("notifications/index.html", page=page, kind=kind, kinds=KINDS,
                           label_for=label_for, form=ActionForm())


@bp.route("/<int:notification_id>/open")
@login_required
def open_(notification_id: int):
    notification = services.get_own(notification_id, current_user)
    services.mark_read(notification)
    return redirect(notification.link or url_for(".index"))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = services.get_own(notification_id, current_user)
    if ActionForm().validate_on_submit():
        services.mark_read(notification)
    return redirect(url_for(".index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    if ActionForm().validate_on_submit():
        count = services.mark_all_read(current_user)
        flash(_("%(count)d notification(s) marked as read.", count=count), "success")
    return redirect(url_for(".index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = ActionForm()
    if form.validate_on_submit():
        choices = {kind: (f"in_app:{kind}" in request.form, f"email:{kind}" in request.form)
                   for kind in KINDS}
        services.set_preferences(current_user, choices)
        flash(_("Your notification preferences were saved."), "success")
        return redirect(url_for(".preferences"))
    return render_template("notifications/preferences.html", form=form, kinds=KINDS,
                           prefs=services.preferences_for(current_user))
