"""The built-in assessment templates, shipped as JSON in ``builtin/`` beside this module.

They are in the exchange format ``careprocure-template/1`` and are stored in the database by
``services.seed_builtin_templates`` (the demo seed and ``flask templates
seed-builtin``). Until then a code's page shows the file itself as a reference.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

BUILTIN_DIR = Path(__file__).parent / "builtin"
BUILTIN_CODES = ("quality", "safety", "warm_winter", "survey_service", "child_welfare",
                 "grading")


@cache
def _read(code: str) -> str:
    return (BUILTIN_DIR / f"{code}.json").read_text(encoding="utf-8")


def load_builtin(code: str) -> dict:
    """A fresh copy of the built-in template ``code`` (KeyError if there is none)."""
    if code not in BUILTIN_CODES:
        raise KeyError(code)
    return copy.deepcopy(json.loads(_read(code)))


def localized(texts: dict, locale: str) -> str:
    """The text in ``locale``, falling back to Chinese, the bureau's working language."""
    return texts.get(locale) or texts.get("zh_CN") or next(iter(texts.values()), "")
