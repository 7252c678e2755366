"""How far a worksheet reaches, read from its XML while it is inflated, before any parser
opens it: calamine allocates the whole rectangle up to the farthest cell, so one cell at
XFD1048576 (512 GB), or one row of 16,384 cells written without references over 60,000 rows
(30 GB), aborts the process. :func:`far_cell` reads the cells', rows' and dimension's
references of a piece of a sheet; :class:`RowWidths` counts each row's cells across pieces.
Both answer the first cell beyond the bounds (``b"XFD1048576"``), or None.
"""

from __future__ import annotations

import re

#: Default limit of data rows in one file (applied by :mod:`contracts.households.checks`).
MAX_ROWS = 100_000
#: The farthest cell a sheet may reach: the template's 23 columns and room for notes beside
#: them; the most rows and room for the header, the example row and a few blank lines.
MAX_SHEET_COLUMNS = 64
MAX_SHEET_ROWS = MAX_ROWS + 100

# A cell or row reference (r="...") that may lie far: two letters or more, or six digits. A
# coarse filter (r= is searched as a literal: a 66 MB sheet in 0.3 s); each hit is then read
# whole by _REFERENCE and judged by _far.
_MAYBE_FAR = re.compile(rb"r=[\"'][A-Za-z]?+(?:[A-Za-z]|[0-9]{6})")
_REFERENCE = re.compile(rb"\sr=[\"']([A-Za-z]*)([0-9]*)")
_DIMENSION = re.compile(rb"dimension\s+ref\s*=\s*[\"']([^\"']*)")
_CELL = re.compile(rb"\$?([A-Za-z]*)\$?([0-9]*)")
# A row's or a cell's opening tag (``<x:c`` too; ``<col``, ``<cfRule``, ``<rowBreaks`` are
# neither): a cell without ``r=`` stands right of the one before it, so a row's cells are
# counted as well as their references read.
_ROW = re.compile(rb"<(?:[A-Za-z]+:)?row[\s/>]")
_PLAIN_ROW = re.compile(rb"<row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z]+:)?c[\s/>]")
_PREFIXED_TAG = re.compile(rb"<[A-Za-z]+:")


def far_cell(buffer: bytes) -> bytes | None:
    """The first cell beyond the bounds that a piece of a sheet names, by a cell's or a row's
    reference or by the sheet's declared dimension. A reference cut by the end of ``buffer``
    reads shorter, never farther, and is read whole in the next (which repeats the last 64
    bytes); one too long for that is far already."""
    found = [(m[1], m[2]) for hit in _MAYBE_FAR.finditer(buffer)
             if (m := _REFERENCE.match(buffer, hit.start() - 1))]
    for declared in _DIMENSION.finditer(buffer):
        corner = _CELL.match(declared[1].rsplit(b":", 1)[-1])
        found.append((corner[1], corner[2]))
    return next(((letters[:3] + digits[:7]).upper() for letters, digits in found
                 if _far(letters, digits)), None)


def _far(letters: bytes, digits: bytes) -> bool:
    # a row number of 4,300 digits and more would not even convert: judge its length first
    return _column_number(letters[:4]) > MAX_SHEET_COLUMNS or \
        len(digits) > 7 or int(digits or 0) > MAX_SHEET_ROWS


class RowWidths:
    """The cells of each row of a sheet read a chunk at a time (a 100,000-row sheet holds
    millions of cells: they are counted in C, a row at a time)."""

    def __init__(self) -> None:
        self.row, self.width, self.carry = 0, 0, b""

    def read(self, chunk: bytes) -> bytes | None:
        """The first cell beyond the bounds a row reaches with ``chunk``, or None."""
        text = self.carry + chunk
        # a tag cut by the chunk's end is read with the next chunk
        cut = text.rfind(b"<", max(0, len(text) - 32))
        if cut != -1 and b">" not in text[cut:]:
            text, self.carry = text[:cut], text[cut:]
        else:
            self.carry = b""
        # as Excel and openpyxl write a sheet (<c r=...>, no prefixes, no <rowBreaks>) a cell
        # is counted by "<c "; anything else by the exact pattern
        plain = not (b"<rowB" in text or b"<c>" in text or b"<c/" in text
                     or _PREFIXED_TAG.search(text))
        starts = [tag.start() for tag in (_PLAIN_ROW if plain else _ROW).finditer(text)]
        spans = zip([0, *starts], [*starts, len(text)], strict=True)
        widths = ([text.count(b"<c ", a, b) for a, b in spans] if plain
                  else [len(_CELL_TAG.findall(text, a, b)) for a, b in spans])
        widths[0] += self.width
        if max(widths) > MAX_SHEET_COLUMNS:
            row = self.row + next(n for n, w in enumerate(widths) if w > MAX_SHEET_COLUMNS)
            return _column_letters(MAX_SHEET_COLUMNS + 1) + str(row).encode()[:7]
        self.row += len(starts)
        self.width = widths[-1]
        return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> bytes:
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters
