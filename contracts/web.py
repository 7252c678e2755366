"""The web door's helpers of the contracts feature: the money filter, the list export link, and
the labels every page may show (registered on the blueprint)."""

from decimal import Decimal

from flask import request, url_for
from flask_babel import format_decimal

from contracts import bp
from contracts.labels import label_context


def yuan(value) -> str:
    """Money as ¥120,000.00 (empty for None)."""
    if value is None or value == "":
        return ""
    return "¥" + format_decimal(Decimal(str(value)), format="#,##0.00")


def export_url() -> str:
    """The current list's URL with ``format=xlsx`` (all pages)."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    args["format"] = ["xlsx"]
    return url_for(request.endpoint, **request.view_args, **args)


@bp.app_context_processor
def _labels() -> dict:
    return label_context() | {
        "export_url": export_url,
    }


bp.add_app_template_filter(yuan, "yuan")
