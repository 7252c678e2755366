"""Pages of red flags: the officers' list, and the review of a flag on a procurement."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from app.auth.login import role_required
from app.errors import DomainError
from app.regions.services import get_by_code
from app.validation import page_number
from contracts import STAFF, bp, listing, services
from contracts.red_flags import rules
from contracts.red_flags.forms import ReviewForm
from contracts.red_flags.services import RULE_LABELS, flag_list, review_flag
from contracts.views.procurement import procurement_page
from contracts.web import PER_PAGE, undo_refused


class ListPagination(Pagination):
    """A page of a list computed in Python (the flags are computed, not stored)."""

    def _query_items(self) -> list:
        rows = self._query_args["rows"]
        return rows[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def _page_number() -> int:
    try:
        return page_number(request.args.get("page", "1"))
    except ValueError:
        abort(404)


@bp.route("/procurements/red-flags")
@role_required(*STAFF)
def red_flags():
    args = request.args
    code = args.get("code") if args.get("code") in rules.CODES else None
    reviewed = {"yes": True, "no": False}.get(args.get("reviewed", ""))
    region = get_by_code(args["region"]) if args.get("region") else None
    rows = flag_list(current_user, code=code, region=region, reviewed=reviewed)
    page = ListPagination(page=_page_number(), per_page=PER_PAGE, rows=rows)
    return render_template("contracts/red_flags.html", page=page, args=args,
                           codes=rules.CODES, rule_labels=RULE_LABELS,
                           regions=listing.region_options(current_user))


@bp.route("/procurements/<int:procurement_id>/red-flags/<code>/review", methods=["POST"])
@role_required(*STAFF)
def red_flag_review(procurement_id: int, code: str):
    procurement = services.get_visible_procurement(current_user, procurement_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review_flag(procurement, code, form.comment.data, current_user)
        except DomainError as error:
            undo_refused()
            return procurement_page(procurement, error.status, error=error)
        flash(_("The flag “%(rule)s” is marked reviewed.",
                rule=RULE_LABELS.get(code, code)), "success")
        return redirect(url_for(".procurement", procurement_id=procurement.id) + "#red-flags")
    return procurement_page(procurement, 422, review_form=form, review_code=code)
