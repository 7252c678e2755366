"""The provider filter of the contract and corrective-action lists: a drop-down for a few
providers, a typeahead for a city's hundreds (tests/contracts/test_provider_suggest.py,
test_browser_typeahead.py), the chosen one kept as a removable badge."""

from __future__ import annotations

from datetime import date

from contracts.listing import PROVIDER_CHOICES_MAX
from evaluations.actions.services import create_action


def test_few_providers_are_a_drop_down(db, as_user, make_contract):
    contract = make_contract(region="a")
    browser, _user = as_user("officer")
    page = browser.get(f"/contracts?provider={contract.provider_id}").get_data(as_text=True)
    assert f'<option value="{contract.provider_id}" selected>' in page
    assert "typeahead" not in page


def test_many_providers_are_not_listed_and_the_chosen_one_stays(db, as_user, make_contract,
                                                                make_provider):
    contract = make_contract(region="a")
    for _ in range(PROVIDER_CHOICES_MAX + 1):
        make_provider()
    browser, _user = as_user("officer")
    page = browser.get("/contracts?status=draft").get_data(as_text=True)
    assert 'select class="form-select" name="provider"' not in page
    assert "provider-filter" not in page
    # the typeahead, shown by its script: it sends nothing until a provider is picked
    assert 'data-typeahead="/providers/suggest"' in page
    assert '<input type="hidden" name="provider" value="" disabled>' in page
    assert "/static/typeahead.js" in page

    page = browser.get(f"/contracts?provider={contract.provider_id}&status=draft"
                       ).get_data(as_text=True)
    assert f'<input type="hidden" name="provider" value="{contract.provider_id}">' in page
    assert "data-typeahead" not in page
    badge = page[page.index('id="provider-filter"'):]
    assert contract.provider.name in badge[:400]
    assert 'href="/contracts?status=draft"' in badge[:600]
    assert contract.number in page


def test_a_provider_hidden_or_unknown_is_no_badge(db, as_user, make_provider):
    for _ in range(PROVIDER_CHOICES_MAX + 1):
        make_provider()
    browser, _user = as_user("officer")
    for value in ("99999", "x", str(2**40)):
        response = browser.get(f"/contracts?provider={value}")
        assert response.status_code == 200
        assert "provider-filter" not in response.get_data(as_text=True)


def test_a_provider_gets_no_provider_filter(db, as_user, make_provider):
    for _ in range(PROVIDER_CHOICES_MAX + 1):
        make_provider()
    browser, _user = as_user("provider")
    page = browser.get("/contracts").get_data(as_text=True)
    assert 'name="provider"' not in page and "typeahead" not in page


def _action_about(contract) -> None:
    create_action(description="消防通道堵塞", severity="orange", deadline=date(2026, 12, 31),
                  contract=contract)


def test_the_action_list_offers_the_providers_owning_an_action(db, as_user, make_contract,
                                                               make_provider):
    owing, clean = make_contract(region="a", status="active"), make_contract(region="a")
    _action_about(owing)
    browser, _user = as_user("officer")
    page = browser.get("/evaluations/actions").get_data(as_text=True)
    assert f'<option value="{owing.provider_id}" >' in page
    assert f'value="{clean.provider_id}"' not in page and "typeahead" not in page


def test_the_action_list_of_a_city_has_a_typeahead_and_a_badge(db, as_user, make_contract):
    contracts = [make_contract(region="a", status="active")
                 for _ in range(PROVIDER_CHOICES_MAX + 1)]
    for contract in contracts:
        _action_about(contract)
    browser, _user = as_user("officer")
    page = browser.get("/evaluations/actions").get_data(as_text=True)
    assert "<option value=\"" + str(contracts[0].provider_id) not in page
    assert 'data-typeahead="/evaluations/actions/providers"' in page  # owners only
    assert '<input type="hidden" name="provider_id" value="" disabled>' in page
    assert "/static/typeahead.js" in page

    chosen = contracts[3]
    page = browser.get(f"/evaluations/actions?provider_id={chosen.provider_id}&severity=orange"
                       ).get_data(as_text=True)
    badge = page[page.index('id="provider-filter"'):]
    assert chosen.provider.name in badge[:400]
    assert 'href="/evaluations/actions?severity=orange"' in badge[:600]
    assert page.count("消防通道堵塞") == 1  # the chosen provider's action only


def test_the_action_lists_typeahead_suggests_the_owners_of_visible_actions_only(
        db, as_user, make_contract, make_provider):
    owing = make_contract(region="a", status="active", provider=make_provider(name="甲养老中心"))
    elsewhere = make_contract(region="b", status="active",
                              provider=make_provider(name="乙养老中心"))
    make_contract(region="a", provider=make_provider(name="丙养老中心"))  # no action
    for contract in (owing, elsewhere):
        _action_about(contract)
    browser, _user = as_user("officer", region="a")
    answer = browser.get("/evaluations/actions/providers?q=养老中心").get_json()
    assert answer == {"providers": [{"id": owing.provider_id, "name": "甲养老中心"}],
                      "more": False}
    # the contract list's typeahead still offers every provider the officer sees
    names = [p["name"] for p in browser.get("/providers/suggest?q=养老中心").get_json()[
        "providers"]]
    assert "丙养老中心" in names and "甲养老中心" in names

    too_long = browser.get("/evaluations/actions/providers?q=" + "养" * 101)
    assert too_long.status_code == 400 and list(too_long.get_json()["error"]["fields"]) == ["q"]
    provider_user, _ = as_user("provider", provider=owing.provider)
    assert provider_user.get("/evaluations/actions/providers?q=养").status_code == 403
