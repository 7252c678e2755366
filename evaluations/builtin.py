"""The built-in assessment templates, shipped as JSON in ``evaluations/builtin/``.

The same JSON format is used to import and export templates; these files seed the database once
templates are stored there, and meanwhile are read as the bureau's reference checklists.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

BUILTIN_DIR = Path(__file__).parent / "builtin"
BUILTIN_CODES = ("quality", "safety", "warm_winter", "survey_service")


@cache
def load_builtin(code: str) -> dict:
    if code not in BUILTIN_CODES:
        raise KeyError(code)
    return json.loads((BUILTIN_DIR / f"{code}.json").read_text(encoding="utf-8"))


def localized(texts: dict, locale: str) -> str:
    """The text in ``locale``, falling back to Chinese, the bureau's working language."""
    return texts.get(locale) or texts.get("zh_CN") or next(iter(texts.values()), "")
