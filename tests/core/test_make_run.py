"""`make run` brings up the web server, the scheduler and the worker, and Ctrl-C stops all three.

The README's first command, run as a new user runs it: a fresh instance directory, a free port,
then SIGINT to the terminal's process group (what Ctrl-C sends)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.threads import until

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                       reason="`make run` serves SQLite; the SQLite run of the suite covers it"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> dict[int, str]:
    """Every living process below ``pid``, with its command line (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        found[child] = cmdline.replace(b"\0", b" ").decode(errors="replace")
        todo.extend(children.get(child, []))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _poll(condition, *, deadline: float, what: str):
    result = until(condition, time.monotonic() + deadline, pause=0.2)
    assert result, f"not within {deadline} s: {what}"
    return result


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_make_run_starts_three_processes_and_ctrl_c_stops_them(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "FLASK_CONFIG", "MAKEFLAGS", "MAKELEVEL"}}
    env.update(INSTANCE_PATH=str(tmp_path), UPLOAD_DIR=str(tmp_path / "uploads"))
    log = (tmp_path / "make-run.log").open("wb")
    make = subprocess.Popen(["make", "--no-print-directory", "run", f"PORT={port}"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        _poll(lambda: _ready(port) or make.poll() is not None, deadline=240,
              what="the web server answers /readyz")
        assert make.poll() is None, (tmp_path / "make-run.log").read_text()

        def three_processes():
            commands = " | ".join(_descendants(make.pid).values())
            return all(part in commands for part in ("gunicorn", "scheduler run", "worker run"))
        _poll(three_processes, deadline=60, what="web, scheduler and worker all running")
        running = _descendants(make.pid)

        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=60)
        _poll(lambda: not any(_alive(pid) for pid in running), deadline=30,
              what="every process started by `make run` has exited")
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait(timeout=10)
        log.close()

    output = (tmp_path / "make-run.log").read_text()
    assert f"http://127.0.0.1:{port}/" in output
    for name in ("web.1", "scheduler.1", "worker.1"):
        assert f"{name} stopped" in output, output[-3000:]
