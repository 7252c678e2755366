"""A gunicorn worker warms up before its first request (gunicorn.conf.py): every template
compiled, both catalogs loaded, what was loaded frozen out of the collector's full passes, and
the young generation collected less often."""

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from reportlab.pdfbase import pdfmetrics

from app import create_app
from app.extensions import db
from app.warmup import YOUNG_OBJECTS
from reports.scorecards import fonts


@pytest.fixture
def worker_app(test_config):
    """A worker's own app; its engine closed after (the warm-up reads the database, and a
    pooled connection left to the collector warns in whichever test comes next), and the
    collector as the other tests had it."""
    thresholds = gc.get_threshold()
    app = create_app(test_config)
    yield app
    gc.set_threshold(*thresholds)
    with app.app_context():
        db.engine.dispose()


def start(app) -> None:
    hooks = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))


def test_a_warmed_worker_compiles_no_template_for_its_first_pages(worker_app):
    app = worker_app
    start(app)
    try:
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_OBJECTS > 700
        compiled = len(app.jinja_env.cache)
        assert compiled >= len(app.jinja_env.list_templates(extensions=("html",)))
        client = app.test_client()
        for url in ("/login", "/public", "/missing-page"):
            client.get(url, headers={"Accept-Language": "zh-CN"})
            client.get(url, headers={"Accept-Language": "en"})
        assert len(app.jinja_env.cache) == compiled
    finally:
        gc.unfreeze()


def test_a_warmed_worker_has_registered_the_pdf_font(worker_app):
    fonts.cjk_font.cache_clear()
    # as in a worker that has printed nothing yet; given back after, for the other tests
    registered = {name: pdfmetrics._fonts.pop(name) for name in (fonts.EMBEDDED, fonts.FALLBACK)
                  if name in pdfmetrics._fonts}
    try:
        start(worker_app)
        # its first scorecard does not pay the 120 ms of reading the font file
        assert {fonts.EMBEDDED, fonts.FALLBACK} & set(pdfmetrics.getRegisteredFontNames())
    finally:
        gc.unfreeze()
        pdfmetrics._fonts.update(registered)
        fonts.cjk_font.cache_clear()
