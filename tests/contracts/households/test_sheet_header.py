"""Finding the header of a household file: a bureau's sheet carries its title, unit and date
above it (contracts/households/files.py, open_table)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from contracts.households.checks import read_households
from contracts.households.files import FIELDS, LABELS
from tests.contracts.households.test_checks import context, id_number, messages, record


def _bureau_sheet(members: list[str]) -> bytes:
    """A county's sheet: its title merged across the columns, the unit and the date, a blank
    row, then the header and a record of each of ``members``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["咸安区2026年3月入户调查汇总表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FIELDS))
    sheet.append(["填报单位：咸安区社会救助服务中心", None, None, "填报日期：2026-03-31"])
    sheet.append([])
    sheet.append([LABELS[key] for key in FIELDS])
    for n, count in enumerate(members):
        values = record(id_number=id_number(f"4212021980010112{n}"), members=count)
        sheet.append([values[key] for key in FIELDS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_bureau_sheet_with_its_title_rows_above_the_header_reads():
    """The header is the row naming the columns, and row numbers stay Excel's."""
    good = read_households(_bureau_sheet(["3", "2"]), "h.xlsx", context())
    bad = read_households(_bureau_sheet(["3", "x"]), "h.xlsx", context())

    assert good.ok and [row.members for row in good.rows] == [3, 2]
    assert [(row, field) for row, field, _ in messages(bad)] == [(6, "members")]


def test_a_sheet_whose_header_names_no_column_is_refused_on_its_first_row():
    data = "\r\n".join(["汇总表", "姓名,住址,电话", "王秀英,咸安区,123"]).encode()

    result = read_households(data, "h.csv", context())

    assert [(row, field) for row, field, _ in messages(result)] == [(1, "header"), (1, "header")]
