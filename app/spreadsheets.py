"""Excel files: a header row of labels, then rows, written in constant memory.

Every feature exports through this one writer; the core owns it so that features import it
downward. Cells keep their types: numbers (``Decimal`` included) stay numbers and dates stay dates, so
that a user can sum and sort them. ``formats`` gives a column's number format (e.g. ``MONEY``
or ``DATE``); ``widths`` its width in characters.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
INTEGER = "0"

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence], *,
               formats: Sequence[str | None] | None = None,
               widths: Sequence[int | None] | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title)[:31])
    for index, width in enumerate(widths or (), start=1):
        if width:
            sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in headers:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = list(formats or ())
    for row in rows:
        sheet.append([_cell(sheet, value, formats[i] if i < len(formats) else None)
                      for i, value in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value, number_format: str | None):
    if number_format is None and isinstance(value, date) and not isinstance(value, datetime):
        number_format = DATE
    if number_format is None or value is None or value == "":
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
