"""A workbook of several typed sheets (``app.spreadsheets`` writes one), and its cell helpers.

Codes are written as labels in the user's language (优秀, not ``excellent``); numbers stay
numbers and dates stay dates.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook

from app import clock
from app.spreadsheets import clean_text, write_sheet

SCORE = "0.0"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    label: Any
    format: str | None = None
    width: int = 14


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


def _sheet_titles(titles: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    seen: set[str] = set()
    result = []
    for title in titles:
        base = _BAD_SHEET_CHARS.sub(" ", clean_text(title)).strip()[:31] or "Sheet"
        name, n = base, 2
        while name.lower() in seen:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        seen.add(name.lower())
        result.append(name)
    return result


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """The .xlsx of ``sheets``, written in constant memory, like ``app.spreadsheets``."""
    workbook = Workbook(write_only=True)
    for title, spec in zip(_sheet_titles([s.title for s in sheets]), sheets, strict=True):
        sheet = workbook.create_sheet(title)
        write_sheet(sheet, [c.label for c in spec.columns], spec.rows,
                    formats=[c.format for c in spec.columns],
                    widths=[c.width for c in spec.columns])
    if not sheets:
        workbook.create_sheet(_("Empty"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def label_of(labels: Mapping, code: Any) -> str:
    """The label of ``code`` in the user's language; the code itself when it has none."""
    return str(labels.get(code, code)) if code is not None else ""


def export_filename(kind: str, extra: str = "") -> str:
    return f"{kind}-{extra + '-' if extra else ''}{clock.today().isoformat()}.xlsx"

