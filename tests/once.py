"""Work done once per test run however many processes run it: ``make test`` runs one pytest-xdist
worker per core, and what several workers need (a seeded demo city takes ~14 s) is made by the
first to ask, into a folder they share, and read by the others."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from tests.threads import until

#: seconds to wait for another worker making the folder (seeding takes ~14 s, more on a busy
#: machine); the lock is the operating system's, released even if that worker dies
MAKING = 600


def shared_folder(tmp_path_factory) -> Path:
    """The folder of this run shared by its workers: the parent of each worker's own
    temporary folder under pytest-xdist (``pytest-N/popen-gw0``), this process's otherwise."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this run, filled by ``make(folder)`` in whichever process asks
    first; the others wait for it to finish."""
    root = shared_folder(tmp_path_factory)
    folder, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        assert until(lambda: _locked(lock), deadline=time.monotonic() + MAKING, pause=0.05), \
            f"another test process has been making {folder} for {MAKING} s"
        try:
            if not done.exists():
                if folder.exists():  # left half made by a process that died making it
                    shutil.rmtree(folder)
                folder.mkdir()
                make(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


def _locked(lock) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
