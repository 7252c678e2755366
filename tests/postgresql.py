"""Tests that only PostgreSQL can run: the suite's second pass sets ``TEST_DATABASE_URL``."""

from __future__ import annotations

import os

import pytest

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def postgresql_only(reason: str) -> pytest.MarkDecorator:
    """Skip on SQLite, saying why only PostgreSQL can show this."""
    return pytest.mark.skipif(not ON_POSTGRESQL, reason=reason)
