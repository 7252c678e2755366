"""The web door's helpers of the contracts feature: what its views share (who is staff, a
refused form, a form page, a paginated list with its Excel export), the money filter, the
export link, and the labels every page may show (registered on the blueprint).

A refused operation re-renders its page with the refusal (422 for bad input, 409 for a
conflict), so the unit of work rolls back and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import sqlalchemy as sa
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from app.api.errors import error_body
from app.errors import DomainError
from app.extensions import db
from app.forms import apply_errors, page_status
from app.template_helpers import ui_language, url_with
from contracts import STAFF, bp, listing, target_fields
from contracts.exports import export_response
from contracts.labels import label_context

PER_PAGE = 25


def is_staff() -> bool:
    """Whether the current user is an officer or an admin (who write; others read)."""
    return current_user.role in STAFF


def undo_refused() -> None:
    """Undo whatever a refused operation flushed, before its page is rendered again."""
    db.session.rollback()


def show_refusal(form, error: DomainError, *, revisioned=None) -> None:
    """Undo the refused operation and show its reasons on the form. With ``revisioned`` (the
    row the form saves under its revision), the form then carries the revision as stored: a
    retry saves over what the page now shows, not over what it showed before."""
    undo_refused()
    apply_errors(form, error)
    if revisioned is not None:
        form.revision.data = revisioned.revision


def form_page(template: str, form, **context):
    """A form's page: 422 when it carries errors, else 200."""
    return render_template(template, form=form, **context), page_status(form)


def paginate(stmt: sa.Select, per_page: int = PER_PAGE) -> Pagination:
    """The page of ``stmt`` asked for by ``?page=``."""
    return db.paginate(stmt, per_page=per_page)


def list_page(kind: str, template: str, *, rows: Callable[[sa.Select], sa.Select] | None = None,
              **context):
    """A list of ``kind`` (providers, facilities, procurements, contracts) filtered by the
    query string: a page of it (of plain ``rows`` of it, where given), or with
    ``format=xlsx`` all of its rows as a workbook."""
    stmt = getattr(listing, f"{kind}_list_stmt")(request.args, current_user)
    if request.args.get("format") == "xlsx":
        return export_response(kind, stmt, current_user)
    page = (db.paginate_rows(rows(stmt), per_page=PER_PAGE, counted=stmt) if rows
            else paginate(stmt))
    return render_template(template, page=page, args=request.args, **context)


#: the longest text a provider typeahead looks up (a name is at most 200 characters; nobody
#: types half of one before picking it)
SUGGEST_QUERY_MAX = 100


def provider_suggestions_answer(among: sa.Select | None = None):
    """A provider typeahead's answer to ``?q=``: ``{"providers": [{"id", "name"}], "more"}``,
    the providers the user may see (given ``among``, a select of provider ids, only those)
    whose name or credit code contains it; 400 naming ``q`` when it is too long."""
    q = request.args.get("q", "")
    if len(q) > SUGGEST_QUERY_MAX:
        message = _("Type at most %(max)d characters.", max=SUGGEST_QUERY_MAX)
        return jsonify(error_body(400, message, {"q": [message]})), 400
    found, more = listing.provider_suggestions(current_user, q, among=among)
    return jsonify(providers=[p._asdict() for p in found], more=more)


def export_url() -> str:
    """The current list's URL with ``format=xlsx`` (all pages)."""
    return url_with(page=None, format="xlsx")


def region_option_tags(regions: list[listing.RegionOption], chosen: str | None) -> Markup:
    """The ``<option>``s of a region filter, indented by level, ``chosen`` selected."""
    return _option_tags(tuple(regions), chosen, ui_language())


@lru_cache(maxsize=256)
def _option_tags(regions: tuple[listing.RegionOption, ...], chosen: str | None,
                 language: str) -> Markup:
    # Memoized on the options themselves: a county's dozens of regions are the same on
    # every page of every list, and a change to one of them is another key.
    return Markup("").join(
        Markup('<option value="{}"{}>{}{}</option>').format(
            r.code, Markup(" selected") if r.code == chosen else "", "— " * r.level.depth,
            r.display_name(language))
        for r in regions)


@bp.app_context_processor
def _labels() -> dict:
    return label_context() | {
        "export_url": export_url, "region_option_tags": region_option_tags, "target_keys_for": target_fields.keys_for,
        "extra_targets": target_fields.extra_targets,
    }


