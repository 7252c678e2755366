"""The settings a benchmark runs the app with: the test settings on a database and a working
folder of its own (an SQLite file in that folder unless a URL is given)."""

from __future__ import annotations

from pathlib import Path


def bench_config(workdir: Path, url: str | None = None) -> type:
    from config import TestingConfig

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        INSTANCE_DIR = str(workdir)
        UPLOAD_DIR = str(workdir / "uploads")

    return BenchConfig
