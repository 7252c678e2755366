"""The API's own answers to a missing token, a role that may not call, an unknown path: its
own words in the caller's language, not Werkzeug's English boilerplate for browsers."""

from __future__ import annotations

ZH = {"Accept-Language": "zh-CN"}


def test_no_token_says_how_to_send_one(client):
    response = client.get("/api/v1/me")
    body = response.get_json()
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="CareProcure"'  # RFC 6750
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["message"] == ("Authentication is required: send 'Authorization: "
                                        "Bearer <token>'.")


def test_a_role_that_may_not_call_is_told_so_plainly(api_as):
    api, _user = api_as("provider")
    response = api.post("/api/v1/regions", json={"code": "100300", "name": "丙县",
                                                 "parent_code": "100000"})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "You may not do this."


def test_the_stock_answers_speak_the_callers_language(client):
    body = client.get("/api/v1/no-such-thing", headers=ZH).get_json()
    assert body["error"]["message"] == "未找到。"
