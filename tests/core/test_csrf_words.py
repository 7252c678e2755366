"""A form refused for its security token (the page left open past WTF_CSRF_TIME_LIMIT
overnight, the session ended meanwhile) says so in the user's words and language, not
Flask-WTF's English "The CSRF token has expired."."""

from __future__ import annotations

import pytest

from tests.clients import PASSWORD

SAID = "the page was open too long, or your session ended meanwhile"


@pytest.mark.parametrize("token", [None, "bogus"], ids=["missing", "invalid"])
def test_a_refused_form_token_is_explained_plainly(app, make_user, token):
    user = make_user("officer")
    client = app.test_client()
    client.get("/login")
    data = {"email": user.email, "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert SAID in page
    assert "CSRF" not in page
