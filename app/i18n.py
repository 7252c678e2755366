"""Languages: the user's setting, else the browser's Accept-Language, else the default."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from app.extensions import babel


def select_locale() -> str:
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


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
