"""``/public`` and ``/public/ocds.json``: no login, switched on by ``PUBLIC_PAGE``."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _

from app.api.errors import error_response
from app.errors import DomainError
from app.template_helpers import ui_language
from app.validation import page_number
from contracts.labels import CONTRACT_STATUS_LABELS, METHOD_LABELS
from evaluations.assessment.bands import grade_names
from reports.exports.ocds import PackagePage, release_package
from reports.public import bp, guard
from reports.public import services as public


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"


@bp.before_request
def _switched_on_and_not_flooded():
    if not current_app.config["PUBLIC_PAGE"]:
        abort(404)
    wait = guard.retry_after()
    if wait is not None:
        refusal = TooManyRequests(
            _("Too many requests; try again in %(seconds)d seconds.", seconds=wait))
        if request.path.endswith(".json"):
            response = error_response(refusal)
        else:
            response = make_response(render_template("errors/generic.html", error=refusal), 429)
        response.headers["Retry-After"] = str(wait)
        return response
    return None


def _language() -> str | None:
    """``?lang=en`` or ``?lang=zh_CN`` (the page's own switch: it carries no session form)."""
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else None


def _render_page():
    """The page rendered without the app's context processors: they put a session form (and
    so a CSRF token, a cookie) on every page, and this page is the same for every reader."""
    english = ui_language() == "en"

    def template_name(template) -> str:
        return (template.name_en or template.name_zh) if english else template.name_zh

    html = current_app.jinja_env.get_template("public/index.html").render(
        contracts=public.contracts(), awards=public.awards(), grades=public.latest_grades(),
        template_name=template_name, current_locale=ui_language(),
        grade_name=lambda i: grade_names(i.grade, i.template.grade_bands)[0],
        CONTRACT_STATUS_LABELS=CONTRACT_STATUS_LABELS, METHOD_LABELS=METHOD_LABELS)
    return current_app.response_class(html, mimetype="text/html")


@bp.route("")
def index():
    lang = _language()
    if lang is None:
        return guard.cached(("index", ui_language()), _render_page)
    with force_locale(lang):
        return guard.cached(("index", ui_language()), _render_page)


@bp.after_request
def _never_share_a_cookie(response):
    # a visitor's own cookie (a restored remember-me session) must not sit in a shared cache
    if session.modified:
        response.cache_control.public = False
        response.cache_control.private = True
    return response


#: releases a page of the public package holds (a city's 3,000 in one were 25 MB built in 6 s)
OCDS_PER_PAGE = 100


@bp.route("/ocds.json")
def ocds():
    try:
        number = page_number(request.args.get("page", "1"))
    except ValueError:
        abort(404)

    def url_of(page: int) -> str:
        return url_for("public.ocds", page=page, _external=True)

    def build():
        page = PackagePage(None, number, OCDS_PER_PAGE)
        if page.total == 0 or number > page.last:
            abort(404)
        # The package declares "zh" and its one URL answers every reader from the cache: it is
        # built in Chinese, not in the language of whoever asked first.
        with force_locale("zh_CN"):
            package = release_package(page, url_of(number), url_of, public=True)
        return jsonify(package)

    # the package names its own URL
    return guard.cached(("ocds", request.host_url, number), build)
