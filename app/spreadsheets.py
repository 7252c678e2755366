"""Excel files: a header row of labels, then rows, written in constant memory.

Every feature exports through this one writer; the core owns it so that features import it
downward. Cells keep their types: numbers (``Decimal`` included) stay numbers and dates stay dates, so
that a user can sum and sort them. ``formats`` gives a column's number format (e.g. ``MONEY``
or ``DATE``); ``widths`` its width in characters.

Every exported cell goes through :func:`cell`, in every workbook of the project: text a user
typed can neither become a formula (``=HYPERLINK(...)`` in a provider's name) nor break the
file (control characters, which Excel's format forbids, from an old row).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
INTEGER = "0"

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: a text starting with one of these is read as a formula by Excel, LibreOffice or WPS
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """``value`` without the control characters an .xlsx file may not hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def cell(sheet, value, number_format: str | None = None):
    """``value`` as a cell of ``sheet`` (write-only): numbers and dates keep their type (and
    ``number_format``); text is cleaned, and text that looks like a formula is stored as text,
    marked with a quote prefix, so that even editing it in Excel keeps it text."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_STARTS):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            text.quotePrefix = True
            return text
        return value
    if number_format is None and isinstance(value, date) and not isinstance(value, datetime):
        number_format = DATE
    if number_format is None or value is None:
        return value
    formatted = WriteOnlyCell(sheet, value=value)
    formatted.number_format = number_format
    return formatted


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence], *,
               formats: Sequence[str | None] | None = None,
               widths: Sequence[int | None] | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(clean_text(str(sheet_title))[:31])
    for index, width in enumerate(widths or (), start=1):
        if width:
            sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in headers:
        header = WriteOnlyCell(sheet, value=clean_text(str(label)))
        header.font = bold
        header_cells.append(header)
    sheet.append(header_cells)
    formats = list(formats or ())
    for row in rows:
        sheet.append([cell(sheet, value, formats[i] if i < len(formats) else None)
                      for i, value in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

