"""Every export writes text that looks like a formula as text, and survives control characters
in old rows; numbers stay numbers."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from app import clock
from app.spreadsheets import xlsx_bytes
from contracts.households.checks import RowError, errors_xlsx
from reports.exports.workbook import Column, Sheet, workbook_bytes

HYPERLINK = '=HYPERLINK("http://x.example","y")'
DANGEROUS = [HYPERLINK, "+86-715-8123456", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
#: as a reader sees them: XML reads a bare carriage return as a line feed
READ_BACK = [text.replace("\r", "\n") for text in DANGEROUS]


def formulas_in(body: bytes) -> list[str]:
    """The formulas stored anywhere in the workbook (``<f>`` elements of its sheets)."""
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        return [name for name in package.namelist()
                if name.startswith("xl/worksheets/") and b"<f>" in package.read(name)]


def cells(body: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(body)).active.iter_rows(
        values_only=True)]


def test_text_that_looks_like_a_formula_stays_text():
    body = xlsx_bytes("t", ["text"], [[text] for text in DANGEROUS])
    assert formulas_in(body) == []
    assert [row[0] for row in cells(body)[1:]] == READ_BACK  # shown as stored
    sheet = load_workbook(io.BytesIO(body)).active
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 8))
    assert all(sheet.cell(row=r, column=1).quotePrefix for r in range(2, 8))
    # another reader (the one the household import uses) sees text too
    read = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()
    assert [row[0] for row in read[1:]] == READ_BACK


def test_numbers_and_dates_keep_their_types():
    body = xlsx_bytes("t", ["n", "d", "m"], [[-5, date(2026, 1, 2), Decimal("-120.50")]],
                      formats=[None, None, "#,##0.00"])
    assert cells(body)[1][0] == -5 and cells(body)[1][2] == -120.5
    assert cells(body)[1][1].date() == date(2026, 1, 2)


def test_control_characters_from_an_old_row_never_break_an_export():
    body = xlsx_bytes("bell\x07", ["head\x00er"], [["阳光\x07社工\x1b中心"], ["=\x01x"]])
    assert cells(body) == [["header"], ["阳光社工中心"], ["=x"]]
    assert formulas_in(body) == []


def test_the_several_sheet_workbook_uses_the_same_cells():
    body = workbook_bytes([Sheet("结果\x07", [Column("名称"), Column("分数")],
                                 [[HYPERLINK, 90], ["ok\x0b", -1]])])
    assert formulas_in(body) == []
    assert cells(body)[1:] == [[HYPERLINK, 90], ["ok", -1]]


def test_the_household_error_table_writes_values_as_text(app):
    with app.test_request_context():
        body = errors_xlsx([RowError(row=2, field="head_name", message=HYPERLINK)])
    assert formulas_in(body) == []
    assert cells(body)[1][2] == HYPERLINK


# ---- through the pages --------------------------------------------------------------------

@pytest.fixture
def planted_provider(db, make_contract, qualified_provider):
    provider = qualified_provider(name=HYPERLINK, contact_phone="+86 715 8123456")
    return make_contract(status="active", provider=provider)


def test_the_contract_and_provider_lists_export_names_as_text(as_user, planted_provider):
    browser, _ = as_user("officer")
    for url in ("/contracts?format=xlsx", "/providers?format=xlsx"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert formulas_in(response.data) == [], url
        assert any(HYPERLINK in row for row in cells(response.data)), url


def test_the_performance_export_writes_names_as_text(as_user, planted_provider):
    clock.set_clock(lambda: datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    browser, _ = as_user("officer")
    response = browser.get("/reports/exports/performance.xlsx?period=2026")
    assert response.status_code == 200
    assert formulas_in(response.data) == []
    assert any(HYPERLINK in row for row in cells(response.data))


def test_a_section_named_like_a_formula_is_a_text_header(as_user, db, inspection_world,
                                                         make_scored_inspection):
    """A template's section names are the results sheet's headers: an imported template
    naming one ``=HYPERLINK(...)`` must not put a live formula in every officer's export."""
    clock.set_clock(lambda: datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    section = inspection_world.template.sections[0]
    section.name_zh = section.name_en = HYPERLINK
    db.session.commit()
    make_scored_inspection(inspection_world)
    browser, _ = as_user("officer", region="a")
    response = browser.get("/reports/exports/inspections.xlsx")
    assert response.status_code == 200
    assert formulas_in(response.data) == []
    header = load_workbook(io.BytesIO(response.data)).active[1]
    assert HYPERLINK in [c.value for c in header]
    assert all(c.data_type == "s" for c in header)


def test_a_header_that_looks_like_a_formula_stays_text():
    body = xlsx_bytes("t", DANGEROUS, [[1] * len(DANGEROUS)])
    assert formulas_in(body) == []
    assert cells(body)[0] == READ_BACK
