"""A real outage under a live server: gunicorn on a PostgreSQL cluster of the test's own, which
the test stops and starts while clients keep writing and reading. Counts what the clients saw,
how long recovery took, and that every acknowledged write is stored."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from app.regions.models import Region
from app.users.services import create_user
from config import TestingConfig
from tests.clients import PASSWORD
from tests.core.outage_log import DOWN, most_open_at_once
from tests.core.pg_cluster import pg_cluster  # noqa: F401 - the fixture
from tests.mail import free_port
from tests.threads import until

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2


class Client:
    """A tiny HTTP client (urllib): JSON calls with a token, pages with a session cookie."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None,
             form: dict | None = None, headers: dict | None = None):
        data, all_headers = None, dict(headers or {})
        if body is not None:
            data, all_headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=all_headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def _serve(tmp_path: Path, url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, FLASK_CONFIG="development", DATABASE_URL=url,
               INSTANCE_PATH=str(tmp_path / "instance"), UPLOAD_DIR=str(tmp_path / "uploads"),
               PYTHONPATH=str(ROOT))
    env.pop("TEST_DATABASE_URL", None)
    with (tmp_path / "server.log").open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
             f"127.0.0.1:{port}", "--timeout", "60", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _answers(client: Client, server: subprocess.Popen, log_path: Path) -> bool:
    if server.poll() is not None:
        pytest.fail(log_path.read_text())
    try:
        return client.call("GET", "/login")[0] == 200
    except urllib.error.URLError:
        return False  # not listening yet


class Load:
    """Threads that create regions (writes) and read ``/api/v1/me`` until stopped."""

    def __init__(self, client: Client, token: str, threads: int = 3):
        self.client, self.token = client, token
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.writes: list[tuple[str, int, float]] = []  # (code, status, when)
        self.reads: list[tuple[int, float]] = []
        self.bodies: list[dict] = []
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                        for n in range(threads)]

    def _run(self, n: int) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            code = f"7{n}{i:04d}"
            status, headers, body = self.client.call(
                "POST", "/api/v1/regions", {"code": code, "name": f"负载{code}"}, self.token)
            read_status, _h, _b = self.client.call("GET", "/api/v1/me", token=self.token)
            with self.lock:
                self.writes.append((code, status, time.monotonic()))
                self.reads.append((read_status, time.monotonic()))
                if status == 503:
                    self.bodies.append({"retry_after": headers.get("Retry-After"),
                                        **json.loads(body)})
            self.stop.wait(0.02)  # pacing, so that the outage is not a flood of refusals

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def count(self, status: int, since: float = 0.0) -> int:
        with self.lock:
            return sum(1 for _c, s, t in self.writes if s == status and t >= since)


@pytest.mark.slow
def test_a_live_server_outlives_a_database_restart(tmp_path, pg_cluster):  # noqa: F811
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = pg_cluster.url

    setup = create_app(Config)
    with setup.app_context():
        _db.create_all()
        create_user(email="admin@example.cn", password=PASSWORD, role="admin")
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()

    port = free_port()
    server = _serve(tmp_path, pg_cluster.url, port)
    log_path = tmp_path / "server.log"
    load = None
    try:
        client = Client(f"http://127.0.0.1:{port}")
        assert until(lambda: _answers(client, server, log_path), time.monotonic() + 60), \
            log_path.read_text()
        status, _h, body = client.call("POST", "/api/v1/tokens",
                                       {"email": "admin@example.cn", "password": PASSWORD})
        assert status == 201, body
        token = json.loads(body)["token"]
        browser = Client(client.base)
        login_page = browser.call("GET", "/login")[2].decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        browser.call("POST", "/login", form={"email": "admin@example.cn", "password": PASSWORD,
                                             "csrf_token": csrf})
        assert browser.call("GET", "/admin/regions/")[0] == 200

        load = Load(client, token)
        load.start()
        assert until(lambda: load.count(201) >= 30, time.monotonic() + 60)

        pg_cluster.stop()
        stopped = time.monotonic()
        assert until(lambda: load.count(503, since=stopped) >= 30, time.monotonic() + 60)
        page_status, page_headers, page = browser.call("GET", "/admin/regions/",
                                                       headers={"Accept-Language": "en"})

        pg_cluster.start()
        started = time.monotonic()
        assert until(lambda: load.count(201, since=started) >= 1, time.monotonic() + 60)
        recovery = time.monotonic() - started
        assert until(lambda: load.count(201, since=started) >= 30, time.monotonic() + 60)
        load.finish()
    finally:
        if load is not None:
            load.finish()
        server.terminate()
        server.wait(30)

    engine = sa.create_engine(pg_cluster.url)
    with engine.connect() as conn:
        present = set(conn.scalars(sa.select(Region.code)))
    engine.dispose()
    acknowledged = {code for code, status, _t in load.writes if status == 201}
    refused = {code for code, status, _t in load.writes if status != 201}
    write_statuses = Counter(status for _c, status, _t in load.writes)
    read_statuses = Counter(status for status, _t in load.reads)
    log_text = log_path.read_text()
    outage_lines = log_text.count(DOWN)
    print(f"\nlive outage: writes {dict(write_statuses)}, reads {dict(read_statuses)}; "
          f"recovered {recovery:.2f} s after the database started; acknowledged "
          f"{len(acknowledged)}, present {len(acknowledged & present)}, refused but present "
          f"{len(refused & present)}; outage log lines {outage_lines} "
          f"({WORKERS} workers); tracebacks {log_text.count('Traceback')}")

    assert acknowledged <= present  # no acknowledged write lost
    assert set(write_statuses) <= {201, 503} and set(read_statuses) <= {200, 503}
    assert all(b["retry_after"] and b["error"]["code"] == "unavailable" for b in load.bodies)
    assert page_status == 503 and page_headers.get("Retry-After")
    assert b"Temporarily unavailable" in page
    # once per worker process and outage, not per request
    assert outage_lines >= 1 and most_open_at_once(log_text) <= WORKERS, log_text
    assert "Traceback" not in log_text, log_text
    assert recovery < 15
