"""Browser security headers on pages and API answers, no inline script for the CSP to block,
and X-Forwarded-For believed only from the configured proxies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from app import security_headers
from app.proxies import TrustedProxyFix, parse_networks
from tests.clients import PASSWORD, Browser

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for pkg in ("app", "contracts", "evaluations", "reports")
                   for p in (ROOT / pkg).rglob("templates/**/*.html"))


def assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1] \
        .split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_an_html_page_carries_the_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # not in development


def test_an_api_answer_carries_the_security_headers(api_as):
    api, _user = api_as("officer")
    response = api.get("/api/v1/me")
    assert response.status_code == 200 and response.is_json
    assert_security_headers(response)
    assert_security_headers(api.get("/api/v1/providers/999"))  # errors too


def test_production_adds_hsts():
    production = Flask("hsts-probe")
    production.config["HSTS"] = True
    security_headers.init_app(production)
    production.add_url_rule("/", "probe", lambda: "ok")
    response = production.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script(template):
    """The CSP forbids inline script: a <script> body or an on...= handler would be dead."""
    text = template.read_text(encoding="utf-8")
    assert not _INLINE_SCRIPT.search(text), "inline <script>: move it to app/static/"
    assert not _HANDLER.search(text), "inline event handler: use data-confirm / app.js"
    assert "javascript:" not in text


def test_rendered_pages_hold_no_inline_script(as_user, make_contract):
    """Including what macros and Bootstrap-Flask write into the page."""
    contract = make_contract()
    browser, _ = as_user("admin")
    for url in ("/", f"/contracts/{contract.id}", "/admin/users/", "/account/",
                "/procurements/new"):
        response = browser.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert not _INLINE_SCRIPT.search(page), url
        assert not _HANDLER.search(page), url
    assert 'src="/static/app.js"' in page


def test_confirmations_are_data_attributes_read_by_app_js(as_user, make_contract, client):
    contract = make_contract()
    browser, _ = as_user("admin")
    page = browser.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'data-confirm="' in page
    with client.get("/static/app.js") as script:
        assert script.status_code == 200
        assert "data-confirm" in script.get_data(as_text=True)


# ---- the client's address behind a proxy -----------------------------------------------

def _seen_address(trusted: str, remote: str, forwarded: str | None) -> str:
    seen = {}

    def probe(environ, start_response):
        seen["address"] = environ["REMOTE_ADDR"]
        start_response("204 No Content", [])
        return [b""]

    environ = {"REMOTE_ADDR": remote, "wsgi.url_scheme": "http"}
    if forwarded:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    TrustedProxyFix(probe, trusted)(environ, lambda *args: None)
    return seen["address"]


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy():
    trusted = "127.0.0.1, 10.0.0.0/8"
    assert _seen_address(trusted, "10.0.0.5", "203.0.113.7") == "203.0.113.7"
    assert _seen_address(trusted, "198.51.100.9", "203.0.113.7") == "198.51.100.9"
    assert _seen_address("", "127.0.0.1", "203.0.113.7") == "127.0.0.1"
    # a client cannot prepend addresses: only the proxy's own hop counts
    assert _seen_address(trusted, "127.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"


def test_a_bad_trusted_proxies_setting_is_an_error():
    with pytest.raises(ValueError, match="nonsense"):
        parse_networks("127.0.0.1, nonsense")


def test_the_login_throttle_sees_the_address_the_trusted_proxy_forwards(app, make_user,
                                                                          monkeypatch):
    """Behind the proxy every request comes from its address; the throttle must see the
    client's, or one client's failures would slow everyone in the bureau down."""
    monkeypatch.setattr(app, "wsgi_app", TrustedProxyFix(app.wsgi_app.app, "127.0.0.1"))
    user = make_user("officer")

    def login(password, client_address):
        browser = Browser(app.test_client())
        env = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": client_address}
        browser.get("/login", environ_base=env)
        return browser.post("/login", {"email": user.email, "password": password},
                            environ_base=env)

    for _ in range(5):
        login("wrong-password-1", "203.0.113.7")
    assert "Too many failed logins" in login(PASSWORD, "203.0.113.7").get_data(as_text=True)
    assert login(PASSWORD, "203.0.113.8").status_code == 302
