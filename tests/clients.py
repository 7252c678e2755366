"""HTTP clients of the tests: a client isolated like a real request, a browser that carries
the CSRF token, an API client holding a bearer token, and the API's error shape."""

from __future__ import annotations

import contextvars
import re

from flask.testing import FlaskClient

PASSWORD = "correct-horse-1"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, so it gets its own app context, ``g`` and
    database session, exactly as under a real server, instead of borrowing the test's."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class Browser:
    """A test client that carries the CSRF token like a browser carries the form's."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.token: str | None = None

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        if response.mimetype != "text/html":
            return response
        match = _CSRF.search(response.get_data(as_text=True))
        if match:
            self.token = match.group(1) or match.group(2)
        return response

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})

    def logout(self):
        self.get("/")
        return self.post("/logout")


class ApiClient:
    def __init__(self, client: FlaskClient, token: str | None = None):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def __getattr__(self, method: str):
        if method not in {"get", "post", "put", "patch", "delete"}:
            raise AttributeError(method)

        def call(url: str, headers: dict | None = None, **kwargs):
            return getattr(self.client, method)(url, headers=self._headers(headers), **kwargs)

        return call


def error_of(response) -> dict:
    """The API's error object of ``response`` (asserting its shape)."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]
