"""What a signed-in user reads (pages, API answers) is kept by no browser or proxy: on a
township office's shared computer the next person pressed Back after the officer logged out
and read the households' page again from the browser's store."""

from __future__ import annotations


def test_a_signed_in_page_is_not_stored(as_user):
    browser, _user = as_user("officer")
    response = browser.get("/account/")
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_an_api_answer_is_not_stored(api_as):
    api, _user = api_as("inspector")
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_a_static_file_keeps_its_own_caching(client):
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
