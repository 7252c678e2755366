"""Template parameters: named values (the local heating standard's room temperature, say)
that a template's item texts and guidance name as ``{key}``, so that a bureau adapts a
threshold by changing one value in a new version instead of rewording every item.

Pure functions; the exchange format checks the parameters (``format.parse_template``)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

#: ``{key}`` in an item's text or guidance
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9]*(?:_[a-z0-9]+)*)\}")
#: the fields of one parameter
PARAMETER_KEYS = {"value", "unit", "label"}
MAX_UNIT = 10


def shown(value: Any) -> str:
    """A parameter's value as a text shows it: ``18``, ``17.5``."""
    return format(Decimal(str(value)).normalize(), "f")


def fill(text: str, parameters: dict | None) -> str:
    """``text`` with each ``{key}`` of a known parameter replaced by its value (unknown
    placeholders stay as written: an import refuses them, see ``unknown_placeholders``)."""
    if not parameters or "{" not in text:
        return text

    def value_of(match: re.Match) -> str:
        parameter = parameters.get(match.group(1))
        return match.group(0) if parameter is None else shown(parameter["value"])

    return PLACEHOLDER.sub(value_of, text)


def unknown_placeholders(text: str, parameters: dict) -> list[str]:
    """The ``{key}`` placeholders of ``text`` that name no parameter."""
    return [key for key in PLACEHOLDER.findall(text) if key not in parameters]
