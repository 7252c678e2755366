"""Contract list throughput under gunicorn against a minimal Flask page of 50 rows:
``python -m bench.throughput --db URL [--seconds 10] [--concurrency 4] [--workers 2]``.

Each is served by ``gunicorn --workers 2`` (as ``make run``; the README's production units run
4) from the same database (one built by ``bench/city.py``; the city officer logs in), one after
the other, each loaded by ``--concurrency`` keep-alive clients for ``--seconds``; and for scale,
the app's signed-in page with the least on it. Prints requests per second and the ratios. Goal
(issue 15): the contract list ≥ 50 % of the minimal page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench import host_speed
from bench.city_data import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(target: str, db: str, workers: int = 2) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = os.environ | {"DATABASE_URL": db, "INSTANCE_PATH": tempfile.mkdtemp(),
                        "BASE_URL": f"http://127.0.0.1:{port}"}
    process = subprocess.Popen([GUNICORN, "--workers", str(workers),
                                "--bind", f"127.0.0.1:{port}", target], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{target} did not start")


def request(conn, method, path, headers=None, body=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def login(port: int, email: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    response, body = request(conn, "GET", "/login")
    jar = _cookies(response, {})
    token = _CSRF.search(body.decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    response, _ = request(conn, "POST", "/login", {
        "Cookie": _header(jar), "Content-Type": "application/x-www-form-urlencoded"}, form)
    assert response.status == 302, response.status
    return _header(_cookies(response, jar))


def _cookies(response, jar: dict) -> dict:
    """``jar`` with every cookie the response sets (the session and the remember token)."""
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _sep, value = header.split(";")[0].partition("=")
        jar = jar | {name.strip(): value}
    return jar


def _header(jar: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def load(port: int, path: str, headers: dict, seconds: float, concurrency: int) -> float:
    done, errors = [0] * concurrency, []
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop:
            response, _ = request(conn, "GET", path, headers)
            if response.status != 200:
                errors.append(response.status)
                return
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{path} answered {errors[0]}")
    return sum(done) / (time.monotonic() - started)


#: what is measured: the contract list, the yardstick, and for scale the app's signed-in page
#: with the least on it (the layout, the sign-in, the bell and a form; no list)
PAGES = (("contract list", "wsgi:app", "/contracts"),
         ("minimal page", "bench.minimal_app:app", "/contracts"),
         ("signed-in page without a list", "wsgi:app", "/account/"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    results = {}
    for name, target, path in PAGES:
        process, port = serve(target, args.db, args.workers)
        try:
            headers = ({"Cookie": login(port, "city.officer@bench.cn")}
                       if target == "wsgi:app" else {})
            load(port, path, headers, 2, args.concurrency)  # warm both workers
            results[name] = load(port, path, headers, args.seconds, args.concurrency)
        finally:
            process.terminate()
            process.wait(10)
        print(f"{name}: {results[name]:.1f} requests/s")
    print(host_speed())
    ratio = results["contract list"] / results["minimal page"]
    print(f"contract list / minimal page: {ratio:.1%} (goal ≥ 50 %)")
    chrome = results["signed-in page without a list"] / results["minimal page"]
    print(f"signed-in page without a list / minimal page: {chrome:.1%}")


if __name__ == "__main__":
    main()
