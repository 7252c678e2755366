"""A zip bomb disguised as .xlsx is refused before any parser opens it: by the unpacked size its
zip directory declares (in milliseconds, without unpacking), and, when the directory lies, by
inflating it in bounded memory until it yields more than it declared."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from contracts.households.files import (
    FIELDS,
    MAX_SHEET_COLUMNS,
    UnreadableFile,
    count_rows,
    open_table,
)
from contracts.households.models import HouseholdRecord, HouseholdUpload

ROOT = Path(__file__).resolve().parents[3]
UNPACKED = 98 * 2**20
SHEET = "xl/worksheets/sheet1.xml"


def make_bomb(unpacked: int = UNPACKED, *, declare: int | None = None) -> bytes:
    """A real workbook whose first sheet unpacks to ``unpacked`` bytes of rows; with
    ``declare``, its zip directory claims that size for the sheet instead."""
    workbook = Workbook()
    workbook.active.append(["id_number"])
    small = io.BytesIO()
    workbook.save(small)
    source = zipfile.ZipFile(io.BytesIO(small.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != SHEET:
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open(SHEET, "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')
            row = b'<row><c t="inlineStr"><is><t>110101199003077777</t></is></c></row>'
            chunk = row * (2**20 // len(row))
            for _ in range(-(-unpacked // len(chunk))):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    data = bytearray(out.getvalue())
    if declare is not None:  # rewrite the sheet's size in its local header and the directory
        info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
        struct.pack_into("<I", data, info.header_offset + 22, declare)
        directory = data.rfind(b"PK\x01\x02", 0, data.rfind(SHEET.encode()) + 1)
        struct.pack_into("<I", data, directory + 24, declare)
    return bytes(data)


def _unpacked_mb(message: str) -> int:
    return int(re.search(r"would unpack to ([0-9,]+) MB", message).group(1).replace(",", ""))


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return make_bomb()


def test_the_bomb_is_a_few_hundred_kb_that_unpacks_to_98_mb(bomb):
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo(SHEET)
    assert len(bomb) < 400 * 1024 and info.file_size >= UNPACKED  # ~350 KB → 98 MB


def test_it_is_refused_by_its_declared_size_in_milliseconds(bomb):
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as refused:
        open_table(bomb, "户籍.xlsx")
    assert time.perf_counter() - started < 0.1
    assert _unpacked_mb(str(refused.value.message)) >= 98
    assert "refused unread" in str(refused.value.message)


def test_parsing_it_is_never_attempted_so_memory_stays_flat(tmp_path, bomb):
    """In a fresh process: the peak memory barely moves (calamine would take ~150 MB)."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    probe = (
        "import resource, time, sys\n"
        "import app.users.models\n"
        "from contracts.households.files import open_table, UnreadableFile\n"
        f"data = open({str(path)!r}, 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.perf_counter()\n"
        "try:\n    open_table(data, 'x.xlsx')\nexcept UnreadableFile:\n    pass\n"
        "print(time.perf_counter() - started,\n"
        "      (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seconds, grew_mb = (float(x) for x in result.stdout.split())
    assert seconds < 0.5 and grew_mb < 16, result.stdout


def test_a_directory_that_lies_about_the_size_is_caught_while_inflating():
    liar = make_bomb(64 * 2**20, declare=2**20)
    assert zipfile.ZipFile(io.BytesIO(liar)).getinfo(SHEET).file_size == 2**20
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as refused:
        count_rows(liar, "x.xlsx")
    assert time.perf_counter() - started < 1
    assert "more than its directory declares" in str(refused.value.message)


def test_an_ordinary_workbook_passes_and_its_rows_are_counted():
    workbook = Workbook()
    for n in range(12):
        workbook.active.append([f"row {n}", f"value {n}"])
    data = io.BytesIO()
    workbook.save(data)
    assert count_rows(data.getvalue(), "h.xlsx") == 12
    assert open_table(data.getvalue(), "h.xlsx").header == ["row 0", "value 0"]


def far_cell_workbook(reference: bytes = b"XFD1048576", *, dimension: bytes | None = None
                      ) -> bytes:
    """A 6 KB workbook of a header and one row whose first cell is moved to ``reference`` (the
    last cell of a sheet, as a stray keystroke or a hostile file may place it); or, with
    ``dimension``, whose declared dimension is that instead."""
    workbook = Workbook()
    workbook.active.append(list(FIELDS))
    workbook.active.append(["x"] * len(FIELDS))
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == SHEET:
                data = data.replace(b'r="A2"', b'r="' + reference + b'"')
                if dimension is not None:
                    data = re.sub(rb'<dimension ref="[^"]*"',
                                  b'<dimension ref="A1:' + dimension + b'"', data)
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("reference", "dimension", "cell"), [
    (b"XFD1048576", None, "XFD1048576"),
    (b"BM2", None, "BM2"),                      # the 65th column
    (b"A100101", None, "A100101"),              # the 100,101st row
    (b"A2", b"XFD1048576", "XFD1048576"),       # by the dimension it declares
    (b"A" + b"9" * 5000, None, "A9999999"),     # a row number int() would refuse
])
def test_a_sheet_reaching_a_far_cell_is_refused_unread(reference, dimension, cell):
    data = far_cell_workbook(reference, dimension=dimension)
    with pytest.raises(UnreadableFile) as refused:
        count_rows(data, "h.xlsx")
    assert f"reaches the cell {cell}," in str(refused.value.message)


def test_a_sheet_within_the_bounds_opens():
    table = open_table(far_cell_workbook(b"BL2", dimension=b"BL100100"), "h.xlsx")
    assert table.header[:len(FIELDS)] == list(FIELDS)
    assert [cells[63] for _number, cells in table.rows] == ["x"]  # BL2, moved from A2


def test_one_far_cell_is_refused_and_does_not_abort_the_process(tmp_path):
    """In a process of its own, its address space capped: without the check, calamine asks for
    512 GB for the rectangle up to XFD1048576 and aborts the process (the web worker), which no
    try/except can catch."""
    data = far_cell_workbook()
    assert len(data) < 10_000
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    probe = (
        "import datetime, resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))\n"
        "from contracts.households.checks import ImportContext, read_households\n"
        "ctx = ImportContext(allowed_region_codes=frozenset({'100100001001'}),\n"
        "    period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31),\n"
        "    today=datetime.date(2026, 6, 30))\n"
        f"result = read_households(open({str(path)!r}, 'rb').read(), 'far.xlsx', ctx)\n"
        "print(result.ok, [(e.row, e.field) for e in result.errors])\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-300:]
    assert result.stdout.strip() == "False [(None, 'file')]"


def wide_row_workbook(cells: int, rows: int = 3) -> bytes:
    """A workbook whose first row holds ``cells`` cells written without ``r=`` (each then
    stands right of the one before), and ``rows`` rows of one cell under it; random text, so
    that its zip holds no telling ratio."""
    workbook = Workbook()
    workbook.active.append(["x"])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))

    def cell() -> bytes:
        return b'<c t="inlineStr"><is><t>' + os.urandom(6).hex().encode() + b"</t></is></c>"

    data = (b"<sheetData><row>" + b"".join(cell() for _ in range(cells)) + b"</row>"
            + b"".join(b"<row>" + cell() + b"</row>" for _ in range(rows)) + b"</sheetData>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            part = source.read(name)
            if name == SHEET:
                part = re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", lambda _m: data, part,
                              flags=re.S)
                part = re.sub(rb'<dimension ref="[^"]*"/>', b"", part)
            archive.writestr(name, part)
    return out.getvalue()


def test_a_row_of_more_cells_than_the_bounds_is_refused_unread():
    """Cells without a reference stand one after another: 16,384 of them in one row over
    60,000 rows ask the parser for 30 GB (a 0.5 MB file aborted the process)."""
    with pytest.raises(UnreadableFile) as refused:
        count_rows(wide_row_workbook(MAX_SHEET_COLUMNS + 1), "h.xlsx")
    assert "reaches the cell BM1," in str(refused.value.message)
    with pytest.raises(UnreadableFile):  # one cut across the parts of the inflated sheet
        count_rows(wide_row_workbook(16_384, rows=20), "h.xlsx")
    assert count_rows(wide_row_workbook(MAX_SHEET_COLUMNS), "h.xlsx") == 4


def test_a_workbook_of_thousands_of_parts_is_refused():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for n in range(1001):
            archive.writestr(f"xl/part{n}.xml", "<x/>")
    with pytest.raises(UnreadableFile) as refused:
        count_rows(data.getvalue(), "h.xlsx")
    assert "1001 parts" in str(refused.value.message)


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_api_answers_422_naming_the_file_and_stores_nothing(db, hh_contract, api_as, bomb):
    contract = hh_contract()
    api, _user = api_as("provider", provider=contract.provider)
    started = time.perf_counter()
    response = api.post(f"/api/v1/contracts/{contract.id}/households",
                        data={"file": (io.BytesIO(bomb), "households.xlsx")},
                        content_type="multipart/form-data")
    assert time.perf_counter() - started < 1
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert [(r["row"], r["field"]) for r in error["rows"]] == [(None, "file")]
    assert _unpacked_mb(error["rows"][0]["message"]) >= 98
    assert _count(db, HouseholdRecord) == 0 and _count(db, HouseholdUpload) == 0


@pytest.mark.parametrize("language, text", [("en", "refused unread"), ("zh_CN", "拒绝")])
def test_the_page_says_why_in_both_languages(db, hh_contract, as_user, bomb, language, text):
    contract = hh_contract()
    browser, _user = as_user("provider", provider=contract.provider, locale=language)
    browser.get(f"/contracts/{contract.id}/households")
    response = browser.post(f"/contracts/{contract.id}/households/import",
                            {"file": (io.BytesIO(bomb), "households.xlsx")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert text in response.get_data(as_text=True)
    assert _count(db, HouseholdRecord) == 0
