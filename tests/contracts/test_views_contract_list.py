"""The contract list page: search, filters, sorting, pagination, its links and export, and
its rows and filters in the user's language."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def _march(on_day):
    on_day(date(2026, 3, 1))


def _numbers(page: str) -> list[str]:
    return re.findall(r">([A-Z]+-2026-[A-Z]{2}-\d{4})<", page)


def test_list_filters_status_service_type_and_expiring(as_user, make_contract, make_facility):
    draft = make_contract("a")
    active = make_contract("a", status="active", end_date=date(2026, 4, 15))
    later = make_contract("a", status="active", service_type="entrusted_care",
                          targets={"children": 20}, facility=make_facility(kind="child_welfare"))
    browser, _ = as_user("officer", region="a")
    numbers = _numbers(browser.get("/contracts?status=active").get_data(as_text=True))
    assert sorted(numbers) == sorted([active.number, later.number])
    numbers = _numbers(browser.get("/contracts?service_type=entrusted_care").get_data(
        as_text=True))
    assert numbers == [later.number]
    numbers = _numbers(browser.get("/contracts?expiring=60").get_data(as_text=True))
    assert numbers == [active.number]
    assert draft.number in browser.get(f"/contracts?q={draft.number}").get_data(as_text=True)
    by_provider = browser.get(f"/contracts?q={later.provider.name}").get_data(as_text=True)
    assert _numbers(by_provider) == [later.number]
    assert "1 in all" in by_provider  # counted as filtered, the provider's join aside


def test_list_sorts_and_paginates(as_user, make_contract, qualified_provider):
    provider = qualified_provider()
    made = [make_contract("a", provider=provider, amount=Decimal(10000 + n))
            for n in range(27)]
    browser, _ = as_user("officer", region="a")
    first = _numbers(browser.get("/contracts?sort=amount").get_data(as_text=True))
    assert len(first) == 25 and first[0] == made[0].number
    second = browser.get("/contracts?sort=amount&page=2").get_data(as_text=True)
    assert _numbers(second) == [made[25].number, made[26].number]
    assert "27 in all" in second
    descending = _numbers(browser.get("/contracts?sort=-amount").get_data(as_text=True))
    assert descending[0] == made[26].number
    by_number = _numbers(browser.get("/contracts?sort=number").get_data(as_text=True))
    assert by_number == sorted(by_number)


def test_the_page_links_keep_every_filter_and_speak_the_users_language(
        as_user, make_contract, qualified_provider):
    provider = qualified_provider()
    for _ in range(27):
        make_contract("a", provider=provider)
    make_contract("a", status="active")
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    page = browser.get("/contracts?status=draft&sort=number&page=2").get_data(as_text=True)
    nav = page[page.index('<nav aria-label="分页">'):]
    nav = nav[:nav.index("</nav>")]
    assert "<nav" not in nav[1:] and "Page navigation" not in page  # one landmark, in Chinese
    assert '<a class="page-link" href="/contracts?status=draft&amp;sort=number&amp;page=1">上一页' \
           '</a>' in nav
    assert 'aria-current="page"><span class="page-link">2</span>' in nav
    assert '<span class="page-link">下一页</span>' in nav  # the last page: no next
    assert "共 27 条" in page


def test_a_list_opened_with_an_argument_named_endpoint_keeps_its_links(as_user, make_contract):
    """The sort, export and page links repeat the query string: an argument named like
    ``url_for``'s own (a crafted link) must neither fail the list nor leave the site."""
    make_contract("a")
    browser, _ = as_user("officer", region="a")
    response = browser.get("/contracts?endpoint=x&_external=1&_scheme=javascript&sort=number")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ('href="/contracts?endpoint=x&amp;_external=1&amp;_scheme=javascript&amp;sort=-number"'
            in page)  # the sort link, turned
    assert "format=xlsx" in page and "javascript:" not in page and 'href="http' not in page


def test_export_link_answers_the_same_filtered_rows_as_xlsx(as_user, make_contract):
    make_contract("a", status="active")
    browser, _ = as_user("officer", region="a")
    page = browser.get("/contracts?status=active").get_data(as_text=True)
    assert "/contracts?status=active&amp;format=xlsx" in page
    response = browser.get("/contracts?status=active&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")


def test_the_contract_number_column_is_headed_contract_number_in_chinese(as_user, make_contract):
    make_contract("a")
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    page = browser.get("/contracts").get_data(as_text=True)
    assert "合同编号" in page and "证书编号" not in page


def test_a_row_names_its_provider_region_type_amount_and_status_in_the_users_language(
        as_user, make_contract):
    contract = make_contract("a", status="active", title="甲区<b>入户</b>调查")
    for locale, region, kind, status in (("zh_CN", "甲区", "入户调查", "履行中"),
                                         ("en", "A District", "Household survey", "Active")):
        browser, _ = as_user("officer", region="a", locale=locale)
        page = browser.get("/contracts").get_data(as_text=True)
        row = page[page.index(contract.number):].split("</tr>")[0]
        cells = re.findall(r'<td[^>]*>(.*?)</td>', row, flags=re.S)
        assert cells[0:7] == ["甲区&lt;b&gt;入户&lt;/b&gt;调查", contract.provider.name, kind,
                              region, "2026-01-01", "2026-12-31", "¥120,000.00"]
        assert f">{status}</span>" in cells[7]


def test_the_region_filter_offers_the_officers_subtree_escaped_and_keeps_the_choice(
        as_user, regions, db):
    regions["a1"].name = "甲一<i>街道</i>"
    db.session.commit()

    def options(browser, query: str = "") -> list[str]:
        page = browser.get(f"/contracts{query}").get_data(as_text=True)
        return re.findall(r"<option[^>]*>[^<]*</option>",
                          page[page.index('name="region"'):].split("</select>")[0])

    chinese, _ = as_user("officer", region="a", locale="zh_CN")
    assert options(chinese, "?region=100100001") == [
        '<option value="">全部行政区划</option>', '<option value="100100">— 甲区</option>',
        '<option value="100100001" selected>— — 甲一&lt;i&gt;街道&lt;/i&gt;</option>',
        '<option value="100100001001">— — — 甲一社区</option>']
    english, _ = as_user("officer", region="a", locale="en")
    assert options(english)[1:] == [
        '<option value="100100">— A District</option>',
        '<option value="100100001">— — A1 Street</option>',
        '<option value="100100001001">— — — A1 Community</option>']
