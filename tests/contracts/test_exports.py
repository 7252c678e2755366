"""Excel exports of the filtered lists: labelled headers in the user's language, exactly the
rows of the filter, money as numbers and dates as dates."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from contracts import services


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def sheet(response):
    return load_workbook(io.BytesIO(response.get_data())).active


def test_contracts_export_holds_exactly_the_filtered_rows(db, as_user, make_contract):
    active = [make_contract(status="active", title=f"入户调查{i}") for i in range(2)]
    make_contract(title="草稿合同")
    make_contract(region="b", status="active", title="乙县合同")
    browser, _ = as_user("officer", region="a")

    rows = sheet_rows(browser.get("/contracts?status=active&format=xlsx"))

    header, data = rows[0], rows[1:]
    assert header[:4] == ("Contract number", "Title", "Service type", "Status")
    assert sorted(r[0] for r in data) == sorted(c.number for c in active)
    assert {r[3] for r in data} == {"Active"} and {r[2] for r in data} == {"Household survey"}


def test_money_is_a_number_with_two_decimals_and_dates_are_dates(db, as_user, make_contract):
    contract = make_contract(status="active", amount=Decimal("123456.78"))
    services.record_payment(contract.installments[0], Decimal("61728.39"))
    db.session.commit()
    browser, _ = as_user("admin")
    ws = sheet(browser.get("/contracts?format=xlsx"))
    header = [c.value for c in ws[1]]
    row = {label: cell for label, cell in zip(header, ws[2], strict=True)}
    assert row["Amount (yuan)"].value == 123456.78
    assert row["Amount (yuan)"].number_format.startswith('"¥"#,##0.00')
    assert row["Paid (yuan)"].value == 61728.39
    assert isinstance(row["Start date"].value, datetime)  # Excel dates read back as datetimes
    assert row["Start date"].value.date() == date(2026, 1, 1)
    assert row["End date"].value.date() == date(2026, 12, 31)
    assert "yy" in row["End date"].number_format


def test_headers_and_labels_in_chinese_for_a_chinese_user(db, as_user, make_provider):
    from contracts.models import ProviderKind

    provider = make_provider(name="咸安区康乐养老服务中心")
    provider.kind = ProviderKind.PRIVATE_NONPROFIT
    db.session.commit()
    make_provider(name="通城县仁爱养老服务有限公司")
    browser, _ = as_user("officer", region="a", locale="zh_CN")
    rows = sheet_rows(browser.get("/providers?kind=private_nonprofit&format=xlsx"))
    header, data = rows[0], rows[1:]
    assert header[0] == "名称" and "类型" in header and "状态" in header
    assert [r[0] for r in data] == ["咸安区康乐养老服务中心"]
    kind = data[0][header.index("类型")]
    assert "民办非企业单位" in kind and "private_nonprofit" not in kind


def test_an_officer_exports_only_contracts_of_their_county(db, as_user, make_contract):
    make_contract(region="a", status="active")
    theirs = make_contract(region="b", status="active")
    browser, _ = as_user("officer", region="b")
    data = sheet_rows(browser.get("/contracts?format=xlsx"))[1:]
    assert [r[0] for r in data] == [theirs.number]


def test_facilities_and_procurements_exports(db, as_user, make_facility, make_procurement,
                                             qualified_provider):
    facility = make_facility(name="甲一福利院")
    make_facility(name="乙一敬老院", region="b1", kind="rural_home")
    procurement = make_procurement(title="甲区入户调查采购")
    services.submit_bid(procurement, provider=qualified_provider(), price=Decimal("95000"))
    db.session.commit()
    browser, _ = as_user("officer", region="a")

    rows = sheet_rows(browser.get("/facilities?format=xlsx"))
    header, data = rows[0], rows[1:]
    assert [r[0] for r in data] == [facility.name]
    assert data[0][header.index("Beds")] == 100
    assert data[0][header.index("Kind")] == "Elderly home"

    rows = sheet_rows(browser.get("/procurements?format=xlsx"))
    header, data = rows[0], rows[1:]
    assert [r[0] for r in data] == ["甲区入户调查采购"]
    assert data[0][header.index("Budget (yuan)")] == 100000
    assert data[0][header.index("Bids")] == 1
    assert data[0][header.index("Method")] == "Open tender"


def test_regions_export_of_the_reports_still_works(db, as_user):
    browser, _ = as_user("officer", region="a")
    rows = sheet_rows(browser.get("/reports/regions.xlsx"))
    assert rows[0][:2] == ("Code", "Name")
    assert {r[0] for r in rows[1:]} == {"100100", "100100001", "100100001001"}


def test_every_export_freezes_its_header_and_sizes_its_columns(db, as_user, make_contract):
    make_contract(status="active", amount=Decimal("123456.78"))
    browser, _ = as_user("admin", locale="zh_CN")
    for url in ("/contracts?format=xlsx", "/reports/regions.xlsx",
                "/reports/exports/performance.xlsx"):
        response = browser.get(url)
        assert response.status_code == 200, url
        ws = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
        assert ws.freeze_panes == "A2", url
        assert all(cell.font.bold for cell in ws[1]), url
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            # wide enough for the header (a CJK character is two wide), never a wall
            assert min(len(str(cell.value)), 12) <= width <= 60, (url, cell.value, width)


def test_default_widths_fit_chinese_headers_and_money():
    from app.spreadsheets import DATE, MONEY, default_width

    assert default_width("合同编号", None) == 10
    assert default_width("金额", MONEY) == 14 and default_width("日", DATE) == 12
    assert default_width("x" * 100, None) == 40


def test_a_former_operator_exports_no_other_operator(as_user, handed_over_home):
    home, earlier, _old, current = handed_over_home
    browser, _ = as_user("provider", provider=earlier)
    rows = sheet_rows(browser.get("/facilities?format=xlsx"))
    assert [(r[0], r[-1]) for r in rows[1:]] == [(home.name, None)]
    officer, _ = as_user("officer", region="a")
    rows = sheet_rows(officer.get("/facilities?format=xlsx"))
    assert [(r[0], r[-1]) for r in rows[1:]] == [(home.name, current.provider.name)]
