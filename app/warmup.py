"""What a web worker would otherwise do during its first requests, done when it starts: every
template compiled, both translation catalogs loaded, and what the features add (:func:`step`:
the PDFs' CJK font, 120 ms of a worker's first scorecard). Then what was loaded is frozen out of
the garbage collector's full passes: with ~300,000 long-lived objects (modules, templates,
catalogs, mappers), each pass paused a request for ~100 ms.

And the collector looks at young objects less often (:data:`YOUNG_OBJECTS`): a large page's
rows, dicts and statements outlived the default's frequent passes, were promoted as if
long-lived, and set off full passes in the middle of requests — at the city's scale, 23 full
passes of 60–86 ms in 935 requests of ``bench/city.py``, the spikes of its p95 column. Looked at
every 20,000 allocations they mostly die young: no full pass in the same run, and the
collector's time 2.7 s → 0.5 s.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from flask import Flask
from flask_babel import force_locale, get_translations

_steps: list[Callable[[Flask], None]] = []

#: allocations (net of frees) between two collections of the young generation (Python's: 700)
YOUNG_OBJECTS = 20_000


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
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
