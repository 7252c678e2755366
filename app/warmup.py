"""What a web worker would otherwise do during its first requests, done when it starts: every
template compiled, both translation catalogs loaded, and what the features add (:func:`step`:
the PDFs' CJK font, 120 ms of a worker's first scorecard). Then what was loaded is frozen out of
the garbage collector's full passes: with ~300,000 long-lived objects (modules, templates,
catalogs, mappers), each pass paused a request for ~100 ms.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from flask import Flask
from flask_babel import force_locale, get_translations

_steps: list[Callable[[Flask], None]] = []


def step(function: Callable[[Flask], None]) -> Callable[[Flask], None]:
    """Decorator: run ``function(app)`` in every worker's warm-up (a feature's first-use cost;
    imports point one way, so a feature registers its own)."""
    _steps.append(function)
    return function


def warm_up(app: Flask) -> None:
    with app.app_context():
        for name in app.jinja_env.list_templates(extensions=("html", "txt", "svg")):
            app.jinja_env.get_template(name)
        with app.test_request_context():
            for locale in app.config.get("LANGUAGES", ()):
                with force_locale(locale):
                    get_translations()
        for function in _steps:
            function(app)
    gc.collect()
    gc.freeze()
