"""The app under a real threaded WSGI server, and requests sent at the same instant.

:class:`LiveServer` serves the test app (and its test database) on a free loopback port;
:func:`race` opens one connection per request, waits until every connection is open and then
sends them all at once (a barrier), so that the requests meet inside the app as two clients'
would. :class:`LiveBrowser` keeps a session cookie and the CSRF token like a browser.
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.clients import _CSRF, PASSWORD


@dataclass
class Sent:
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """The tests count the answers; a line per request would bury their output."""


class LiveServer:
    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=30)

    def send(self, request: Sent) -> Answer:
        return _send(self._connect(), request)

    def _connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.connect()
        return connection


def _send(connection: http.client.HTTPConnection, request: Sent) -> Answer:
    try:
        connection.request(request.method, request.path, body=request.body or None,
                           headers=request.headers)
        response = connection.getresponse()
        return Answer(response.status, response.read(), dict(response.getheaders()))
    finally:
        connection.close()


def race(server: LiveServer, *requests: Sent) -> list[Answer]:
    """Send ``requests`` at the same instant, each on its own connection; answers in order."""
    connections = [server._connect() for _ in requests]
    barrier = threading.Barrier(len(requests))
    answers: list[Answer | BaseException | None] = [None] * len(requests)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = _send(connections[i], requests[i])
        except BaseException as error:  # reported by the caller, not lost in a thread
            answers[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for answer in answers:
        if not isinstance(answer, Answer):
            raise RuntimeError(f"a racing request failed: {answer!r}")
    return answers  # type: ignore[return-value]


def api_json(method: str, path: str, token: str, body: dict) -> Sent:
    return Sent(method, path, json.dumps(body).encode(), {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def multipart(name: str, data: bytes, **fields: str) -> tuple[bytes, str]:
    """A multipart body holding ``data`` as the file field ``file`` and ``fields``, built in
    memory (the test client spools big bodies to a file it leaves open when the app answers
    before reading them), and its content type."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + data + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def api_file(path: str, token: str, name: str, data: bytes) -> Sent:
    body, content_type = multipart(name, data)
    return Sent("POST", path, body, {"Authorization": f"Bearer {token}",
                                     "Content-Type": content_type})


class LiveBrowser:
    """Cookies and the CSRF token of one browser, against a :class:`LiveServer`."""

    def __init__(self, server: LiveServer):
        self.server = server
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def _headers(self) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie} if cookie else {}

    def keep(self, answer: Answer) -> Answer:
        for name, value in answer.headers.items():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        match = _CSRF.search(answer.text)
        if match:
            self.token = match.group(1) or match.group(2)
        return answer

    def get(self, path: str) -> Answer:
        return self.keep(self.server.send(Sent("GET", path, headers=self._headers())))

    def form(self, path: str, data: dict) -> Sent:
        """A POST of ``data`` with this browser's cookies and CSRF token, to send later."""
        body = urlencode(dict(data) | {"csrf_token": self.token}).encode()
        return Sent("POST", path, body, self._headers() | {
            "Content-Type": "application/x-www-form-urlencoded"})

    def post(self, path: str, data: dict) -> Answer:
        return self.keep(self.server.send(self.form(path, data)))

    def login(self, email: str, password: str = PASSWORD) -> None:
        self.get("/login")
        answer = self.post("/login", {"email": email, "password": password})
        assert answer.status == 302, answer.text[:300]
