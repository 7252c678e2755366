"""Admin page: jobs with their next run, recent runs, and run now / pause / resume."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.login import admin_required
from app.errors import NotFound
from app.extensions import db
from app.forms import ConfirmForm
from app.scheduler import bp, services
from app.scheduler.describe import describe_trigger
from app.scheduler.models import CommandKind, RunStatus

COMMAND_LABELS = {
    CommandKind.RUN_NOW: _l("Run now"),
    CommandKind.PAUSE: _l("Pause"),
    CommandKind.RESUME: _l("Resume"),
}
RUN_STATUS_LABELS = {RunStatus.OK: _l("Succeeded"), RunStatus.ERROR: _l("Failed"),
                     RunStatus.SKIPPED: _l("Skipped")}
RUN_STATUS_BADGES = {RunStatus.OK: "success", RunStatus.ERROR: "danger",
                     RunStatus.SKIPPED: "secondary"}


@bp.route("/")
@admin_required
def index():
    page = db.paginate(services.recent_runs(), per_page=50)
    return render_template("scheduler/index.html", jobs=services.job_overview(), page=page,
                           form=ConfirmForm(), COMMAND_LABELS=COMMAND_LABELS,
                           RUN_STATUS_LABELS=RUN_STATUS_LABELS,
                           RUN_STATUS_BADGES=RUN_STATUS_BADGES, describe_trigger=describe_trigger)


@bp.route("/jobs/<job_id>/<any(run_now, pause, resume):command>", methods=["POST"])
@admin_required
def command(job_id: str, command: str):
    if ConfirmForm().validate_on_submit():
        try:
            services.request_command(job_id, CommandKind(command), current_user)
        except NotFound:
            abort(404)
        flash(_("Requested: %(command)s for %(job)s. The scheduler carries it out within "
                "seconds.", command=COMMAND_LABELS[CommandKind(command)], job=job_id), "success")
    return redirect(url_for(".index"))
