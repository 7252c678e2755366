"""Pages name their icon, served from the app's own files: without it, browsers ask for
``/favicon.ico`` on every first visit and log a 404."""

from __future__ import annotations

from pathlib import Path

ICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_pages_name_an_icon_that_is_served(client):
    assert ICON in client.get("/login").get_data(as_text=True)
    with client.get("/static/favicon.svg") as response:  # a file: closed when read
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.get_data(as_text=True).startswith("<svg")


def test_the_public_page_names_it_too():
    # its own document (not base.html); shown only where the bureau publishes
    page = Path(__file__).resolve().parents[2] / "reports/templates/public/index.html"
    assert "url_for('static', filename='favicon.svg')" in page.read_text(encoding="utf-8")
