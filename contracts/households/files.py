"""Reading household-record files (.xlsx or .csv) into a header and a stream of raw rows.

Pure: bytes in, Python values out; no database, no request. The columns and their Chinese
labels are those of API.md "Household-record files". Validation of the values is in
:mod:`contracts.households.checks`; this module only knows how to open a file and find its header.

Row numbers are the ones a user sees in Excel: the first line of the sheet or file is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from python_calamine import CalamineWorkbook

#: (key, Chinese label) of every required column, in the order of API.md and of the template.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id_number", "身份证号"),
    ("head_name", "户主姓名"),
    ("region_code", "区划代码"),
    ("members", "家庭人口"),
    ("monthly_income", "家庭月收入"),
    ("assets", "家庭财产"),
    ("survey_date", "调查日期"),
    ("surveyor", "调查员"),
    ("recommendation", "建议"),
    ("second_surveyor", "第二调查员"),
    ("surveyors_signed", "调查员签字"),
    ("applicant_signed", "申请人签字"),
    ("area", "城乡"),
)
#: The income lines of the municipal survey form: optional, they must add up to the income.
INCOME_COLUMNS: tuple[tuple[str, str], ...] = (
    ("income_wages", "工资性收入"),
    ("income_farming", "种养殖收入"),
    ("income_business", "经营性收入"),
    ("income_property", "财产性收入"),
    ("income_pensions", "养老金收入"),
    ("income_support", "赡养扶养收入"),
    ("income_allowances", "补贴收入"),
    ("income_other", "其他收入"),
)
#: Columns a file may leave out.
OPTIONAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("staff_relative", "工作人员近亲属"),
    *INCOME_COLUMNS,
    ("photos_taken", "入户照片"),
)
FIELDS: tuple[str, ...] = tuple(key for key, _label in COLUMNS)
OPTIONAL_FIELDS: tuple[str, ...] = tuple(key for key, _label in OPTIONAL_COLUMNS)
INCOME_FIELDS: tuple[str, ...] = tuple(key for key, _label in INCOME_COLUMNS)
ALL_FIELDS: tuple[str, ...] = FIELDS + OPTIONAL_FIELDS
LABELS: dict[str, str] = dict(COLUMNS + OPTIONAL_COLUMNS)

#: The example row of the template: skipped on import, so a template imports as it is. Its ID
#: number is the example of GB 11643 itself.
EXAMPLE: dict[str, str] = {
    "id_number": "11010519491231002X", "head_name": "张三（示例行，导入时跳过）",
    "region_code": "421202001001", "members": "3", "monthly_income": "1500.00",
    "assets": "20000.00", "survey_date": "2026-03-05", "surveyor": "李强",
    "recommendation": "低保", "second_surveyor": "王芳", "surveyors_signed": "是",
    "applicant_signed": "是", "area": "农村", "staff_relative": "否", "income_wages": "1200.00",
    "income_farming": "300.00", "income_business": "", "income_property": "",
    "income_pensions": "", "income_support": "", "income_allowances": "", "income_other": "",
    "photos_taken": "是",
}

# A header cell names a column by its English key (any case) or its Chinese label.
_HEADER_NAMES: dict[str, str] = {key: key for key in ALL_FIELDS} | {
    label: key for key, label in COLUMNS + OPTIONAL_COLUMNS
}

EXTENSIONS = (".xlsx", ".csv")

# Control bytes that never occur in CSV text (tab, CR, LF and form feed excepted).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


class UnreadableFile(Exception):
    """The file as a whole cannot be used; ``message`` says why (a lazy translatable string)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class Table:
    """The header of a file and an iterator over its data rows.

    ``rows`` yields ``(row_number, cells)``; cells are ``str`` for CSV and the calamine
    values (``str``, ``float``, ``bool``, ``date``, ``datetime``, ...) for XLSX.
    """

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, Sequence[Any]]]


def open_table(data: bytes, filename: str) -> Table:
    """Open ``data`` according to the extension of ``filename``.

    Raises :class:`UnreadableFile` for anything that is not a readable .xlsx or .csv with a
    header row; never lets a parser's own exception escape.
    """
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise UnreadableFile(_l("Upload an .xlsx or .csv file."))
    for number, cells in rows:
        if _is_blank(cells):
            continue
        header = [_header_text(cell) for cell in cells]
        return Table(header=header, header_row=number, rows=rows)
    raise UnreadableFile(_l("The file is empty: it has no header row."))


def column_map(header: Sequence[str]) -> tuple[dict[str, int], list[str], list[str], list[str]]:
    """Map each field (required or optional) to its column index.

    Returns ``(indices, missing, unknown, repeated)``: the fields found, the required fields missing, the
    header cells that name no field, and the fields named by more than one column. Blank
    header cells are ignored (spreadsheets often carry empty formatted columns at the right).
    """
    indices: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, text in enumerate(header):
        if not text:
            continue
        key = _HEADER_NAMES.get(text) or _HEADER_NAMES.get(text.lower())
        if key is None:
            unknown.append(text)
        elif key in indices:
            repeated.append(key)
        else:
            indices[key] = index
    missing = [key for key in FIELDS if key not in indices]
    return indices, missing, unknown, repeated


def _header_text(cell: Any) -> str:
    if cell is None:
        return ""
    # Zero-width and non-breaking spaces come with copied headers; strip them with the rest.
    return str(cell).replace("\ufeff", "").replace("\u00a0", " ").strip()


def _is_blank(cells: Sequence[Any]) -> bool:
    for cell in cells:
        if cell.__class__ is str:
            if cell.strip():
                return False
        elif cell is not None:
            return False
    return True


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Sequence[Any]]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise UnreadableFile(
            _l("The file could not be read as an Excel workbook (.xlsx).")
        ) from exc
    # calamine's rows start at the sheet's first row, so enumerate gives Excel's numbers.
    return enumerate(rows, start=1)


def _csv_rows(data: bytes) -> Iterator[tuple[int, Sequence[Any]]]:
    if _BINARY.search(data, 0, 4096):
        raise UnreadableFile(_l("The file is not a CSV text file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # GB18030 is a superset of GBK, as saved by Excel on Chinese Windows.
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _l("The CSV file is neither UTF-8 nor GBK text.")
            ) from exc
    # strict: an unclosed quote is an error, not the rest of the file swallowed into one cell.
    return _checked_csv(csv.reader(io.StringIO(text, newline=""), strict=True))


def _checked_csv(reader: Iterator[list[str]]) -> Iterator[tuple[int, Sequence[Any]]]:
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(
                _l("The CSV file is malformed near row %(row)d.", row=number + 1)
            ) from exc
        number += 1
        yield number, cells
