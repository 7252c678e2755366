"""Filters and globals for templates: dates in the bureau's time zone, labels for codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from urllib.parse import quote, urlencode

from flask import Flask, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.lookups import load_typeahead
from app.regions.models import Level, display_name
from app.users.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.OFFICER: _l("Procurement officer"),
    Role.INSPECTOR: _l("Inspector"),
    Role.PROVIDER: _l("Provider"),
}

LEVEL_LABELS = {
    Level.CITY: _l("City"),
    Level.COUNTY: _l("County / district"),
    Level.TOWNSHIP: _l("Township / street"),
    Level.VILLAGE: _l("Village / community"),
}

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role]
    #: the dropdown it belongs to (a translatable label), if any
    group: str | None = None


_nav: list[NavItem] = []


def nav_item(label: str, endpoint: str, roles: Iterable[Role], group: str | None = None
             ) -> None:
    """Let a feature put a link in the top navigation for some roles, optionally in a menu."""
    item = NavItem(label, endpoint, frozenset(roles), group)
    if all(existing.endpoint != endpoint for existing in _nav):
        _nav.append(item)


def _nav_for_current_user() -> list[dict]:
    if not current_user or not current_user.is_authenticated:
        return []
    return _nav_for(current_user.role, ui_language(), request.script_root)


@cache
def _nav_for(role: Role, language: str, script_root: str) -> list[dict]:
    """Top-level links and menus, in registration order; a menu of one is shown as a link.

    Code alone decides them, so each worker builds each role's once per language (and
    mount point) rather than on every page."""
    entries: list[dict] = []
    menus: dict[str, dict] = {}
    for item in _nav:
        if role not in item.roles:
            continue
        link = {"label": str(item.label), "url": url_for(item.endpoint)}
        if item.group is None:
            entries.append(link)
            continue
        key = str(item.group)
        if key not in menus:
            menus[key] = {"label": key, "children": []}
            entries.append(menus[key])
        menus[key]["children"].append(link)
    return [e["children"][0] if "children" in e and len(e["children"]) == 1 else e
            for e in entries]


def url_with(**changes: object) -> str:
    """This page's URL with the query arguments ``changes`` set (``None`` removes one), every
    other argument kept as it came, a repeated one included.

    Built from the path, not with ``url_for``: a query argument is anybody's to name, and one
    named like ``url_for``'s own (``endpoint``, ``_anchor``, ``_external``, ``_scheme``) must
    stay a query argument, not fail the page or make its links absolute."""
    args = request.args.copy()
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = str(value)
    path = quote(request.script_root + request.path)
    query = urlencode(list(args.items(multi=True)))
    return f"{path}?{query}" if query else path


def page_url(number: int) -> str:
    """This list's URL at page ``number``."""
    return url_with(page=number)


def local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    return format_datetime(value, fmt) if value else ""


def ui_language() -> str:
    """The active language as one of config LANGUAGES (Babel spells zh_CN as zh_Hans_CN)."""
    return "zh_CN" if getattr(get_locale(), "language", None) == "zh" else "en"


def yuan(value) -> str:
    """Money as printed on pages and PDFs: ¥120,000.00 (empty for None). Both languages group
    digits by three with a comma and a decimal point, as Python's format does (Babel's
    formatter cost ~25 µs a call)."""
    if value is None or value == "":
        return ""
    return f"¥{Decimal(str(value)):,.2f}"


def region_name(region) -> str:
    return region.display_name(ui_language()) if region else ""


def region_label(name: str | None, name_en: str | None) -> str:
    """A region's name, from its columns in a plain row, in the active language."""
    return display_name(name, name_en, ui_language()) if name else ""


def init_app(app: Flask) -> None:
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(region_name, "region_name")
    app.add_template_filter(yuan, "yuan")
    app.add_template_global(region_label, "region_label")
    app.add_template_global(page_url, "page_url")
    app.add_template_global(url_with, "url_with")
    app.add_template_global(load_typeahead, "load_typeahead")

    @app.context_processor
    def _globals() -> dict:
        return {
            "ROLE_LABELS": ROLE_LABELS,
            "LEVEL_LABELS": LEVEL_LABELS,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "Role": Role,
            "current_locale": ui_language(),
            "nav_items": _nav_for_current_user(),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
