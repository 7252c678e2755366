"""Admin page to browse the audit trail by user, object type and date."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from app.audit import bp
from app.audit.models import AuditLog
from app.audit.readable import Reader
from app.auth.login import admin_required
from app.clock import LOCAL_TZ
from app.extensions import db
from app.forms import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = StringField(_l("User e-mail"), validators=[Optional()])
    object_type = SelectField(_l("Object type"), validators=[Optional()])
    object_id = StringField(_l("Object id"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


def _local_day_start(day) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ)


def _filtered(form: AuditFilterForm) -> sa.Select:
    """The trail by each filter the form could read. A value it could not (a mistyped date) is
    left out and marked, as a search form does, and the other filters stand: dropping them all
    listed everybody's changes under a filter by one user."""
    def given(field):
        return field.data if not field.errors else None

    stmt = sa.select(AuditLog).order_by(AuditLog.id.desc())
    if given(form.actor):
        stmt = stmt.where(AuditLog.actor_label.ilike(f"%{form.actor.data.strip()}%"))
    if given(form.object_type):
        stmt = stmt.where(AuditLog.object_type == form.object_type.data)
    if given(form.object_id):
        stmt = stmt.where(AuditLog.object_id == form.object_id.data.strip())
    if given(form.date_from):
        stmt = stmt.where(AuditLog.at >= _local_day_start(form.date_from.data))
    if given(form.date_to):
        stmt = stmt.where(AuditLog.at < _local_day_start(form.date_to.data + timedelta(days=1)))
    return stmt


@bp.route("/")
@admin_required
def index():
    form = AuditFilterForm(request.args)
    types = db.session.scalars(sa.select(AuditLog.object_type).distinct()
                               .order_by(AuditLog.object_type)).all()
    reader = Reader()
    form.object_type.choices = [("", _l("All"))] + [(t, reader.object_label(t)) for t in types]
    form.validate()
    page = db.paginate(_filtered(form), per_page=50)
    return render_template("audit/index.html", page=page, form=form, reader=reader)
