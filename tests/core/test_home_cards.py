"""The home page's cards are counted together: one statement for every card's count, whatever
the role (each card sent its own COUNT before; an administrator's home sent fourteen)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.regions.models import Region
from app.users.models import User


def cards(page: str) -> dict[str, str]:
    return dict(re.findall(r'<div class="text-muted small">([^<]+)</div>\s*<div class="[^"]*">'
                           r'(?:<a [^>]*>)?([^<]+)', page))


def test_an_administrators_cards_hold_the_counts_read_in_one_statement(
        db, as_user, make_user, make_contract, count_queries):
    browser, _admin = as_user("admin")
    make_user("officer", region="a")
    make_contract("a", status="active")
    browser.get("/")
    with count_queries() as log:
        shown = cards(browser.get("/").get_data(as_text=True))
    expected = {"Users": User, "Audit entries": AuditLog, "Regions": Region}
    for title, model in expected.items():
        assert shown[title] == str(db.session.scalar(sa.select(sa.func.count(model.id)))), title
    assert shown["Active contracts"] == "1" and shown["Providers"] == "1"
    together = [s for s in log.statements if s.count("SELECT count(*)") > 1]
    assert len(together) == 1 and together[0].count("SELECT count(*)") >= 8
