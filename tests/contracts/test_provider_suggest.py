"""The contract list's provider typeahead: ``GET /providers/suggest?q=`` answers the providers
the user may see whose name or credit code contains what was typed, ten at most, by name."""

from __future__ import annotations

from contracts.listing import PROVIDER_CHOICES_MAX, PROVIDER_SUGGESTIONS


def _suggest(browser, q: str):
    response = browser.get("/providers/suggest", query_string={"q": q})
    return response, response.get_json()


def test_matches_by_name_or_credit_code_ten_at_most_by_name(db, as_user, make_provider):
    wanted = [make_provider(name=f"咸安区康养服务中心{n:02d}") for n in range(12)]
    other = make_provider(name="通山县社工站")
    browser, _user = as_user("officer")

    response, body = _suggest(browser, "康养")
    assert response.status_code == 200 and response.mimetype == "application/json"
    names = [p["name"] for p in body["providers"]]
    assert names == [p.name for p in wanted[:PROVIDER_SUGGESTIONS]]
    assert body["more"] is True
    assert body["providers"][0] == {"id": wanted[0].id, "name": wanted[0].name}

    _response, body = _suggest(browser, "中心11")
    assert body == {"providers": [{"id": wanted[11].id, "name": wanted[11].name}],
                    "more": False}
    _response, body = _suggest(browser, other.credit_code[-8:])
    assert [p["id"] for p in body["providers"]] == [other.id]
    _response, body = _suggest(browser, "没有这个名字")
    assert body == {"providers": [], "more": False}


def test_wildcards_are_plain_text_and_names_come_back_as_typed(db, as_user, make_provider):
    marked = make_provider(name='<img src=x onerror="alert(1)">_100%')
    make_provider(name="通山县社工站")
    browser, _user = as_user("officer")
    _response, body = _suggest(browser, "%")
    assert body["providers"] == [{"id": marked.id, "name": marked.name}]
    _response, body = _suggest(browser, "_")
    assert [p["id"] for p in body["providers"]] == [marked.id]


def test_an_inspector_is_offered_only_the_providers_of_their_inspections(
        db, make_user, app, make_contract, assign_inspection):
    from tests.clients import Browser

    mine = make_contract(region="a")
    make_contract(region="a")  # another provider's, not inspected by them
    inspector = make_user("inspector", region="a")
    assign_inspection(inspector, contract=mine)
    browser = Browser(app.test_client())
    browser.login(inspector)
    _response, body = _suggest(browser, "")
    assert [p["id"] for p in body["providers"]] == [mine.provider_id]


def test_a_provider_is_refused_and_a_stranger_sent_to_sign_in(db, as_user, client):
    browser, _user = as_user("provider")
    response, _body = _suggest(browser, "")
    assert response.status_code == 403
    response = client.get("/providers/suggest?q=a")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_long_text_is_refused_with_the_field_named(db, as_user, make_provider):
    make_provider(name="康" * 120)
    browser, _user = as_user("officer")
    response, body = _suggest(browser, "康" * 101)
    assert response.status_code == 400
    assert list(body["error"]["fields"]) == ["q"]
    response, body = _suggest(browser, "康" * 100)
    assert response.status_code == 200 and len(body["providers"]) == 1


def test_the_same_statements_for_a_few_providers_or_many(db, as_user, make_provider,
                                                         count_queries):
    browser, _user = as_user("officer")
    counts = []
    for added in (3, PROVIDER_CHOICES_MAX + 5):
        for _ in range(added):
            make_provider()
        with count_queries() as log:
            assert browser.get("/providers/suggest?q=测试").status_code == 200
        counts.append(len(log))
    assert counts[0] == counts[1] <= 2, counts
