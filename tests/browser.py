"""Browser tests' plumbing, for every test package: the app under a real WSGI server on
127.0.0.1 (a free port, in a thread) with its own SQLite file and seeded data, a record of every
request it received, and Debian's Chromium driven by Playwright (fixtures ``chromium`` and
``demo_server``, registered by the root conftest)."""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from werkzeug.formparser import parse_form_data
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.once import made_once

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _read_whole(answer) -> list[bytes]:
    """The answer's body read at once and its iterator closed. Werkzeug's test server closes a
    file answer (a static script) only after a read of the socket that raises when the
    browser dropped the connection mid-answer (it navigated on): the file left open then
    failed whichever test was running, as a ResourceWarning."""
    try:
        return [b"".join(answer)]
    finally:
        if hasattr(answer, "close"):
            answer.close()


class Recorder:
    """WSGI middleware keeping (method, path, cookies) of each request, and the files of each
    multipart upload."""

    def __init__(self, app):
        self.app, self.requests = app, []
        self.lock = threading.Lock()
        self.lines_down: set[str] = set()

    def __call__(self, environ, start_response):
        cookies = environ.get("HTTP_COOKIE", "")
        with self.lock:
            down = any(session in cookies for session in self.lines_down)
        if down:
            return self._drop(environ, start_response)
        entry = {"method": environ["REQUEST_METHOD"], "path": environ.get("PATH_INFO", ""),
                 "cookies": cookies, "files": {}}
        if environ.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            copy = dict(environ, **{"wsgi.input": io.BytesIO(body)})
            _stream, _form, files = parse_form_data(copy)
            for name, upload in files.items():
                entry["files"][name] = upload.read()
                upload.close()
            environ["wsgi.input"] = io.BytesIO(body)
        with self.lock:
            self.requests.append(entry)
        return _read_whole(self.app(environ, start_response))

    def line_down(self, session: str, down: bool = True) -> None:
        """Cut (or restore) the line of the device holding ``session``: its requests reach no
        application and their connections close unanswered, as when a network drops."""
        with self.lock:
            (self.lines_down.add if down else self.lines_down.discard)(session)

    @staticmethod
    def _drop(environ, start_response) -> list[bytes]:
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        start_response("503 Service Unavailable", [])  # never sent: the socket is shut
        return []

    def since(self, index: int, session: str | None = None) -> list[dict]:
        """The requests after the ``index``-th (of the device holding ``session``)."""
        with self.lock:
            return [r for r in self.requests[index:]
                    if session is None or session in r["cookies"]]


#: a page's width and the window's: wider means the page scrolls sideways
WIDTH_JS = "[document.documentElement.scrollWidth, window.innerWidth]"


def chromium_or_skip() -> None:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):  # .ci/run installs it: a missing browser there is a failure
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")


def _config(root: Path) -> type[TestingConfig]:
    """The settings of an app keeping all it writes (database, instance, uploads) in ``root``."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{root / 'browser.sqlite3'}"
        INSTANCE_DIR = str(root / "instance")
        UPLOAD_DIR = str(root / "uploads")

    return Config


def serve(tmp_path, seed: Callable[[], dict]):
    """Start the app with ``seed()``'s data; returns (base_url, app, ids, recorder, stop)."""
    app = create_app(_config(tmp_path))
    with app.app_context():
        db.create_all()
        ids = seed()
        db.session.remove()
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    return f"http://127.0.0.1:{server.server_port}", app, ids, recorder, stop


def seed_demo_city() -> dict:
    """The demo city of ``flask demo seed``: every page full of realistic rows."""
    from flask import current_app

    result = current_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return {}


@pytest.fixture(scope="session")
def seeded_demo_city(tmp_path_factory) -> Path:
    """A folder holding the demo city (its database and uploads), seeded once per test run by
    the first worker process to ask (:func:`tests.once.made_once`): seeding takes ~14 s, a copy
    milliseconds; each test serves a copy of its own."""
    chromium_or_skip()
    return made_once(tmp_path_factory, "browser-demo-city", _seed_demo_city_into)


def _seed_demo_city_into(root: Path) -> None:
    app = create_app(_config(root))
    with app.app_context():
        db.create_all()
        seed_demo_city()
        db.session.remove()
        db.engine.dispose()  # every connection closed: the file holds every row


@pytest.fixture
def demo_server(tmp_path, seeded_demo_city):
    """The app serving the demo city; yields the base URL."""
    shutil.copytree(seeded_demo_city, tmp_path, dirs_exist_ok=True)
    base_url, _app, _ids, _recorder, stop = serve(tmp_path, dict)
    try:
        yield base_url
    finally:
        stop()


@pytest.fixture(scope="session")
def _playwright():
    """Playwright's driver, started once per test process (each start costs ~1 s)."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = []
        try:
            yield playwright, launched
        finally:
            for browser in launched:
                if browser.is_connected():
                    browser.close()


@pytest.fixture
def chromium(_playwright):
    """A headless Chromium, launched once per test process: each test opens contexts of its own
    (a context shares no cookie, storage, cache or service worker with another), closed after
    it; a browser that a test brought down is launched again."""
    playwright, launched = _playwright
    if not launched or not launched[-1].is_connected():
        launched.append(playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                   args=CHROMIUM_ARGS))
    browser = launched[-1]
    try:
        yield browser
    finally:
        for context in browser.contexts:
            context.close()
