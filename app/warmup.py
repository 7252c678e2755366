"""What a web worker would otherwise do during its first requests, done when it starts: every
template compiled and both translation catalogs loaded. Then what was loaded is frozen out of
the garbage collector's full passes: with ~300,000 long-lived objects (modules, templates,
catalogs, mappers), each pass paused a request for ~100 ms.
"""

from __future__ import annotations

import gc

from flask import Flask
from flask_babel import force_locale, get_translations


def warm_up(app: Flask) -> None:
    with app.app_context():
        for name in app.jinja_env.list_templates(extensions=("html", "txt", "svg")):
            app.jinja_env.get_template(name)
        with app.test_request_context():
            for locale in app.config.get("LANGUAGES", ()):
                with force_locale(locale):
                    get_translations()
    gc.collect()
    gc.freeze()
