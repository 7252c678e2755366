"""Browser security headers on every answer: HTML pages, static files and the JSON API alike.

One ``after_request`` rather than a library: the headers are fixed strings, the HTTPS redirect
and cookie flags a library would add are the reverse proxy's and ``config.py``'s job already.
"""

from __future__ import annotations

from flask import Flask, Response

#: No inline script anywhere (scripts are static files), nothing from other sites, no framing.
#: Inline style attributes stay allowed: Bootstrap components and the server-drawn SVG charts
#: set them, and a style cannot run code. ``data:`` images are Bootstrap's own icons.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: answers that say nothing of their own caching
NOT_STORED = "no-store"

#: two years, as the HSTS preload list asks; sent only where every answer goes over HTTPS
HSTS = "max-age=63072000; includeSubDomains"


def init_app(app: Flask) -> None:
    headers = dict(HEADERS)
    if app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = HSTS

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if "Cache-Control" not in response.headers:
            # A page or answer is one user's (households, ID numbers, scores); stored by the
            # browser, it came back with Back on a shared office computer after its reader
            # had logged out. What may be kept says so itself: static files, public pages,
            # uploads.
            response.headers["Cache-Control"] = NOT_STORED
        return response
