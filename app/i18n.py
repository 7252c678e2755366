"""Languages: the user's setting, else the browser's Accept-Language, else the default."""

from __future__ import annotations

from functools import cache

import flask_babel
from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from app.extensions import babel


def select_locale() -> Locale:
    return _locale(_language())


@cache
def _locale(language: str) -> Locale:
    """Babel's locale of a language, parsed once: parsing normalizes the name against every
    locale Babel knows (a thousand lowercasings), and Flask-Babel selects on every request."""
    return Locale.parse(language)


def _language() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and scheduler jobs speak the bureau's default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    best = request.accept_languages.best_match(languages + ("zh", "zh-CN", "en-US"))
    if best:
        return "zh_CN" if best.lower().startswith("zh") else "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


class RequestDomain(flask_babel.Domain):
    """Flask-Babel's message domain, keeping the translations it found for the locale in
    force: Flask-Babel looks them up again (the locale, its identifier, its cache) on every
    gettext, a hundred times a page. A forced locale is another object, so it is looked up."""

    def get_translations(self):
        state = flask_babel._get_current_context()  # noqa: SLF001 (Flask-Babel's own)
        if state is None:
            return super().get_translations()
        kept = getattr(state, "kept_translations", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
        translations = super().get_translations()
        state.kept_translations = (state.babel_locale, translations)
        return translations


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
