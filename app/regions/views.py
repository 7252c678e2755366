"""Admin pages for the region tree: browse, create, rename, move."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.login import admin_required
from app.errors import ValidationError
from app.extensions import db
from app.forms import apply_errors, page_status
from app.regions import bp, services
from app.regions.forms import RegionCreateForm, RegionEditForm, RegionMoveForm
from app.regions.models import Region


@bp.route("/")
@admin_required
def index():
    q = (request.args.get("q") or "").strip()
    stmt = sa.select(Region).order_by(Region.code)
    if q:
        stmt = stmt.where(sa.or_(Region.name.contains(q), Region.code.startswith(q),
                                 Region.name_en.ilike(f"%{q}%")))
    page = db.paginate(stmt, per_page=50)
    return render_template("regions/index.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    form = RegionCreateForm()
    if request.method == "GET" and request.args.get("parent"):
        form.parent_code.data = request.args["parent"]
    if form.validate_on_submit():
        try:
            region = services.create_region(form.code.data, form.name.data, form.level.data,
                                            form.parent_code.data or None, form.name_en.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(_("Region %(name)s created.", name=region.name), "success")
            return redirect(url_for(".detail", region_id=region.id))
    return render_template("regions/new.html", form=form), page_status(form)


@bp.route("/<int:region_id>", methods=["GET", "POST"])
@admin_required
def detail(region_id: int):
    region = db.get_or_404(Region, region_id)
    form = RegionEditForm(obj=region)
    move_form = RegionMoveForm(prefix="move")
    if form.submit.data and form.validate_on_submit():
        try:
            services.rename_region(region, form.name.data, form.name_en.data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(_("Region renamed."), "success")
            return redirect(url_for(".detail", region_id=region.id))
    status = page_status(form)
    return render_template("regions/detail.html", region=region, form=form,
                           move_form=move_form), status


@bp.route("/<int:region_id>/move", methods=["POST"])
@admin_required
def move(region_id: int):
    region = db.get_or_404(Region, region_id)
    form = RegionMoveForm(prefix="move")
    if form.validate_on_submit():
        try:
            services.move_region(region, services.require_region(form.parent_code.data,
                                                                 "parent_code"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            flash(_("Region moved."), "success")
            return redirect(url_for(".detail", region_id=region.id))
    return render_template("regions/detail.html", region=region, form=RegionEditForm(obj=region),
                           move_form=form), 422
