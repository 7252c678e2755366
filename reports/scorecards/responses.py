"""The HTTP answer that carries a PDF scorecard: shared by the HTML pages and the JSON API."""

from __future__ import annotations

from flask import Response


def pdf_response(body: bytes, filename: str) -> Response:
    """``body`` shown inline by the browser, saved as ``filename``, never sniffed as HTML."""
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename={filename}",
                             "X-Content-Type-Options": "nosniff"})
