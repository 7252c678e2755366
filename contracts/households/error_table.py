"""The row errors of a refused household-record file as an .xlsx table 行号 | 字段 | 问题, for
the page's download and a queued file's errors (render inside a request for the locale).
Kept apart from :mod:`contracts.households.checks` so that the engine stays within its size."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.spreadsheets import xlsx_bytes
from contracts.households.files import LABELS

if TYPE_CHECKING:
    from contracts.households.checks import RowError


def errors_xlsx(errors: Iterable[RowError]) -> bytes:
    """The errors as an .xlsx table 行号 | 字段 | 问题."""
    def rows():
        for error in errors:
            label = LABELS.get(error.field)
            yield (error.row, f"{label} ({error.field})" if label else error.field,
                   str(error.message))

    return xlsx_bytes("错误", ["行号", "字段", "问题"], rows(), widths=(8, 24, 90))
