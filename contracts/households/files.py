"""Reading household-record files (.xlsx or .csv) into a header and a stream of raw rows.

Pure: bytes in, Python values out; no database, no request. The columns and their Chinese
labels are those of API.md "Household-record files". Validation of the values is in
:mod:`contracts.households.checks`; this module only knows how to open a file and find its header.

Row numbers are the ones a user sees in Excel: the first line of the sheet or file is row 1.

An .xlsx is a zip: before any parser opens one, :func:`check_workbook` reads its
directory and refuses a workbook whose declared unpacked size is implausible (a zip bomb: a few
hundred KB that would unpack to a hundred MB and more) in a millisecond, without unpacking.
While inflating, it also refuses a sheet that reaches a cell far beyond any household file
(:mod:`contracts.households.sheet_bounds`).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from python_calamine import CalamineWorkbook

from contracts.households.sheet_bounds import (
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    RowWidths,
    far_cell,
)

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
#: Rows above the header that a bureau's sheet carries, skipped: its title (merged across the
#: columns: "咸安区2026年3月入户调查汇总表"), the reporting unit, the date filled in
TITLE_ROWS = 5

#: What a household workbook may unpack to: one of the most rows allowed (100,000) unpacks to
#: about 50 MB of XML.
MAX_UNPACKED_BYTES = 160 * 2**20
#: Deflate packs a worksheet's XML 5 to 20 times; 100 times or more is a bomb (Apache POI's
#: ZipSecureFile draws the line at the same ratio).
MAX_RATIO = 100
#: Parts smaller than this are not judged by their ratio (tiny, repetitive parts pack oddly).
RATIO_FROM_BYTES = 2**20
MAX_PARTS = 1000
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
    looked: list[tuple[int, Sequence[Any]]] = []
    for number, cells in rows:
        if _is_blank(cells):
            continue
        header = [_header_text(cell) for cell in cells]
        if _names_fields(header):
            return Table(header=header, header_row=number, rows=rows)
        looked.append((number, cells))
        if len(looked) == TITLE_ROWS + 1:
            break
    if not looked:
        raise UnreadableFile(_l("The file is empty: it has no header row."))
    # no row names the columns: the first is the header, and its errors say what is wrong
    number, cells = looked[0]
    return Table(header=[_header_text(cell) for cell in cells], header_row=number,
                 rows=itertools.chain(looked[1:], rows))


def _names_fields(header: Sequence[str]) -> bool:
    """Whether a row is the header: it names two fields or more (a title above it names
    none)."""
    return sum(1 for text in header if text and _field_named(text)) >= 2


def _field_named(text: str) -> str | None:
    """The field a header cell names, by its key (any case) or its Chinese label."""
    return _HEADER_NAMES.get(text) or _HEADER_NAMES.get(text.lower())


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
        key = _field_named(text)
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


def check_workbook(data: bytes) -> dict[str, int]:
    """Refuse (:class:`UnreadableFile`) a workbook that would unpack to too much; return the
    rows of each worksheet part (counted on the way, to choose between importing and queueing).

    First by the sizes its zip directory declares, without unpacking anything (a bomb is refused
    in a millisecond). Then, since a declared size is only a claim, every part is inflated 64 KB
    at a time and refused the moment it yields more than it declared, so that no parser is ever
    given more than the limits allow."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise _not_a_workbook() from exc
    if len(parts) > MAX_PARTS:
        raise UnreadableFile(_l("The workbook holds %(n)d parts; a household file has a few "
                                "dozen at most. It was refused unread.", n=len(parts)))
    unpacked = sum(part.file_size for part in parts)
    worst = max((part.file_size / max(part.compress_size, 1) for part in parts
                 if part.file_size >= RATIO_FROM_BYTES), default=0)
    if unpacked > MAX_UNPACKED_BYTES or worst >= MAX_RATIO:
        raise _too_large(unpacked, len(data))
    return {part.filename: rows for part in parts
            if (rows := _unpack_checked(data, part)) is not None}


def _not_a_workbook() -> UnreadableFile:
    return UnreadableFile(_l("The file could not be read as an Excel workbook (.xlsx)."))


def _too_large(unpacked: int, packed: int) -> UnreadableFile:
    return UnreadableFile(_l(
        "The workbook would unpack to %(size)s MB, %(ratio)d times its own size of "
        "%(packed)s KB; no household file needs that, so it was refused unread.",
        size=f"{unpacked / 2**20:,.0f}", ratio=round(unpacked / max(packed, 1)),
        packed=f"{packed / 1024:,.0f}"))


def _row_tags(text: bytes) -> int:
    """``<row`` tags (``<x:row`` too); escaped text holds no ``<``, so only tags count."""
    return (text.count(b"<row") - text.count(b"<rowBreaks") + text.count(b":row ")
            + text.count(b":row>"))


def _unpack_checked(data: bytes, part: zipfile.ZipInfo) -> int | None:
    """Inflate one part in bounded memory, refusing it past its declared size; the row tags it
    holds when it is a worksheet (else None)."""
    start = part.header_offset + 30
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or \
            len(data) < start:
        raise _not_a_workbook()
    name_length, extra_length = struct.unpack("<HH", data[start - 4:start])
    start += name_length + extra_length
    pending = data[start:start + part.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    sheet = part.filename.startswith("xl/worksheets/")
    rows, yielded, tail = 0, 0, b""
    widths = RowWidths()
    while pending:
        if part.compress_type == zipfile.ZIP_STORED:
            chunk, pending = pending[:65536], pending[65536:]
        else:
            try:
                chunk = inflater.decompress(pending, 65536)
            except zlib.error as exc:
                raise _not_a_workbook() from exc
            pending = inflater.unconsumed_tail
        yielded += len(chunk)
        if yielded > part.file_size:
            raise UnreadableFile(_l("A part of the workbook holds more than its directory "
                                    "declares, as zip bombs do; it was refused unread."))
        if sheet:  # a tag cut in two by the chunks is counted once, in the second buffer
            buffer = tail + chunk
            rows += _row_tags(buffer) - _row_tags(tail)
            if (cell := far_cell(buffer) or widths.read(chunk)) is not None:
                raise _far_cell(cell)
            tail = buffer[-64:]
        if not chunk and not pending:
            break
    return rows if sheet else None


def _far_cell(cell: bytes) -> UnreadableFile:
    return UnreadableFile(_l(
        "The worksheet reaches the cell %(cell)s, beyond the %(columns)d columns and "
        "%(rows)s rows a household file may use; it was refused unread. Delete what "
        "lies far below or to the right of the table and save it again.",
        cell=cell.decode("ascii"), columns=MAX_SHEET_COLUMNS, rows=f"{MAX_SHEET_ROWS:,}"))


def count_rows(data: bytes, filename: str) -> int:
    """About how many lines the file has, header included (the lines of a CSV, the rows of the
    workbook's largest sheet), read cheaply, to choose between importing now and queueing.
    Raises :class:`UnreadableFile` as :func:`open_table` does."""
    name = (filename or "").lower().strip()
    if name.endswith(".csv"):
        return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    if not name.endswith(".xlsx"):
        raise UnreadableFile(_l("Upload an .xlsx or .csv file."))
    return max(check_workbook(data).values(), default=0)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Sequence[Any]]]:
    check_workbook(data)
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
