"""Chinese pages show words, never the codes of the app's own vocabularies.

The demo city is seeded, each role signs in with Chinese as its language and walks its main
pages: the navigation from its home page, then one page of each kind linked from those (ids
replaced, so ``/contracts/7`` and ``/contracts/9`` count once). Every code of a status,
severity, service type, kind... (the values of the models' enum columns and the keys of the
label maps the templates receive) is searched for in the visible text of each page.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.audit.readable import label_maps
from app.demo.seed import DEMO_PASSWORD
from app.extensions import db as _db
from tests.clients import Browser

ROLES = ("admin", "officer", "xianan.officer", "inspector", "provider")
#: pages of one kind visited per role, at most (keeps the walk short)
MAX_PAGES = 45
#: links that change state, download files or leave the pages
SKIP = re.compile(r"\.(pdf|xlsx|csv|zip|jpg|png|json)$|/download|/logout|/language|format=|"
                  r"/photos/|/files/|/documents/\d+$|/api/|^#|^mailto:|/static/")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOISE = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]+")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Visible(HTMLParser):
    """Text a user sees: text nodes and the attributes read aloud or shown on hover. Text marked
    ``<code>`` is left out: it is an identifier an administrator types (a template's code and
    section keys in its JSON, a region code), shown as such on purpose."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "code"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def vocabulary() -> set[str]:
    words: set[str] = set()
    for mapper in _db.Model.registry.mappers:
        for column in mapper.columns:
            if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
                words |= {str(m.value) for m in column.type.enum_class}
    for labels in label_maps().values():
        words |= {str(getattr(key, "value", key)) for key in labels}
    # codes of three letters or more, written as identifiers; digits and short words are not
    # codes a reader could mistake
    return {w for w in words if len(w) >= 3 and _TOKEN.fullmatch(w)}


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(browser: Browser) -> dict[str, str]:
    """{url: visible text} of the pages of one role."""
    seen_shapes: set[str] = set()
    pages: dict[str, str] = {}
    queue = ["/"]
    depth = {"/": 0}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        response = browser.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Visible()
        parser.feed(response.get_data(as_text=True))
        pages[url] = " ".join(parser.parts)
        if depth[url] >= 2:
            continue
        for href in parser.links:
            parts = urlsplit(href)
            if parts.netloc or SKIP.search(href) or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            key = shape(parts.path)
            if key in seen_shapes or target in depth:
                continue
            seen_shapes.add(key)
            depth[target] = depth[url] + 1
            queue.append(target)
    return pages


def context(text: str, word: str) -> str:
    at = text.find(word)
    return " ".join(text[max(0, at - 60):at + 40].split())


def code_words(text: str, words: set[str]) -> set[str]:
    return {t for t in _TOKEN.findall(_NOISE.sub(" ", text)) if t in words}


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="pages read the same on either database; the SQLite run checks them")
def test_chinese_pages_show_no_code_words(app, demo_city):
    """Every role's pages, walked on one demo city (seeding it costs more than a walk)."""
    with app.test_request_context():
        words = vocabulary()
    assert {"active", "household_survey", "orange", "running", "facility"} <= words
    found = {}
    for who in ROLES:
        browser = Browser(app.test_client())
        assert browser.login(f"{who}@demo.careprocure.cn", DEMO_PASSWORD).status_code == 302
        browser.post("/language", {"locale": "zh_CN", "next": "/"})
        pages = walk(browser)
        assert len(pages) >= 5, (who, pages.keys())
        found |= {(who, url): {hit: context(text, hit) for hit in hits}
                  for url, text in pages.items() if (hits := code_words(text, words))}
    assert not found, found
