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

#: yuan: ¥1,234.50 (negative in red), still a number a user can sum
MONEY = '"¥"#,##0.00;[Red]-"¥"#,##0.00'
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
        return _text_cell(sheet, value) if value.startswith(FORMULA_STARTS) else value
    if number_format is None and isinstance(value, date) and not isinstance(value, datetime):
        number_format = DATE
    if number_format is None or value is None:
        return value
    formatted = WriteOnlyCell(sheet, value=value)
    formatted.number_format = number_format
    return formatted


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """``text`` (cleaned) as a text cell, quote-prefixed when it looks like a formula."""
    written = WriteOnlyCell(sheet, value=text)
    written.data_type = "s"
    written.quotePrefix = text.startswith(FORMULA_STARTS)
    return written


def default_width(label: str, number_format: str | None) -> int:
    """A column width in characters when the export gives none: the header's (a CJK character
    takes two), at least what the format's values need."""
    header = sum(2 if ord(ch) > 0x2E80 else 1 for ch in label) + 2
    least = {MONEY: 14, DATE: 12}.get(number_format, 8)
    return max(least, min(header, 40))


def write_sheet(sheet, headers: Sequence[str], rows: Iterable[Sequence], *,
                formats: Sequence[str | None] | None = None,
                widths: Sequence[int | None] | None = None) -> None:
    """Fill the write-only ``sheet``: widths, a frozen bold header row, then typed rows. Every
    workbook of the project is written by this one function."""
    formats = list(formats or ())
    widths = list(widths or ())
    for index, label in enumerate(headers):
        width = widths[index] if index < len(widths) else None
        number_format = formats[index] if index < len(formats) else None
        sheet.column_dimensions[get_column_letter(index + 1)].width = (
            width or default_width(str(label), number_format))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in headers:
        # a header can be text a user typed too (a template's section names)
        header = _text_cell(sheet, clean_text(str(label)))
        header.font = bold
        header_cells.append(header)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([cell(sheet, value, formats[i] if i < len(formats) else None)
                      for i, value in enumerate(row)])


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence], *,
               formats: Sequence[str | None] | None = None,
               widths: Sequence[int | None] | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(clean_text(str(sheet_title))[:31])
    write_sheet(sheet, headers, rows, formats=formats, widths=widths)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
