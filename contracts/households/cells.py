"""The values of single cells of a household-record file that need no context: text, names,
numbers of members, money and recommendations. Each check takes a raw cell (text, or a
number or date of an Excel cell) and returns the value, or raises :class:`Invalid` with a lazy
translatable message. Pure and fast: a file may hold 100,000 rows.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from app.validation import control_character

RECOMMENDATIONS: dict[str, str] = {
    "dibao": "dibao", "低保": "dibao",
    "tekun": "tekun", "特困": "tekun",
    "temporary": "temporary", "临时救助": "temporary",
    "none": "none", "不符合": "none",
}

_CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** 12
_MONEY_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
_NAME_MAX = 50


class Invalid(Exception):
    """A cell's value is refused; ``message`` says why."""

    def __init__(self, message: Any) -> None:
        self.message = message


def cell_text(cell: Any) -> str:
    """A cell as stripped text; integral Excel numbers without ``.0``."""
    cls = cell.__class__
    if cls is str:
        return cell.strip()
    if cell is None:
        return ""
    if cls is float:
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell)


def name(cell: Any) -> str:
    text = cell_text(cell)
    if not text:
        raise Invalid(_l("Enter a name."))
    refused = control_character(text)
    if refused is not None:
        raise Invalid(_l("Remove the control character U+%(code)04X (position %(position)d).",
                         code=refused[0], position=refused[1]))
    if len(text) > _NAME_MAX:
        raise Invalid(_l("A name has at most %(max)d characters, not %(n)d.",
                          max=_NAME_MAX, n=len(text)))
    return text


def members(cell: Any) -> int:
    cls = cell.__class__
    if cls is float:
        if not cell.is_integer():
            raise Invalid(_l("The number of members must be a whole number, not %(value)s.",
                              value=repr(cell)))
        value = int(cell)
    elif cls is int:
        value = cell
    else:
        text = cell_text(cell)
        if not text:
            raise Invalid(_l("Enter the number of members."))
        if not _INT_TEXT.fullmatch(text):
            raise Invalid(_l("The number of members must be a whole number, not %(value)s.",
                              value=text[:30]))
        value = int(text.split(".", 1)[0])
    if value < 1:
        raise Invalid(_l("The number of members must be at least 1."))
    return value


def money(cell: Any) -> Decimal:
    cls = cell.__class__
    if cls is float:
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise Invalid(_l("Enter an amount in yuan."))
        amount = Decimal(repr(cell))  # shortest text that round-trips, as Excel shows it
    elif cls is int:
        amount = Decimal(cell)
    else:
        text = cell_text(cell)
        if not text:
            raise Invalid(_l("Enter an amount in yuan (0 if none)."))
        if not _MONEY_TEXT.fullmatch(text):
            raise Invalid(_l("%(value)s is not an amount in yuan like 1234.50.",
                              value=text[:30]))
        amount = Decimal(text)
    if amount < 0:
        raise Invalid(_l("An amount cannot be negative."))
    if amount >= _MONEY_LIMIT:
        raise Invalid(_l("The amount %(value)s is too large.", value=str(amount)[:30]))
    try:
        rounded = amount.quantize(_CENT)
    except InvalidOperation:
        raise Invalid(_l("The amount %(value)s is too large.", value=str(amount)[:30])) from None
    if rounded != amount:
        raise Invalid(_l("An amount has at most 2 decimal places (fen), not %(value)s.",
                          value=str(amount)[:30]))
    return rounded


def recommendation(cell: Any) -> str:
    text = cell_text(cell)
    key = RECOMMENDATIONS.get(text) or RECOMMENDATIONS.get(text.lower())
    if key is None:
        raise Invalid(_l("The recommendation must be one of dibao (低保), tekun (特困), "
                          "temporary (临时救助) or none (不符合)."))
    return key
