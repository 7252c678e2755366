"""The values of single cells of a household-record file that need no context: text, names,
numbers of members, money, recommendations, yes/no answers and urban/rural. Each check takes a raw cell (text, or a
number or date of an Excel cell) and returns the value, or raises :class:`Invalid` with a lazy
translatable message. Pure and fast: a file may hold 100,000 rows.
"""

from __future__ import annotations

import re
import unicodedata
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

YES_NO: dict[str, bool] = {
    "yes": True, "y": True, "true": True, "1": True, "是": True, "有": True,
    "no": False, "n": False, "false": False, "0": False, "否": False, "无": False,
}
AREAS: dict[str, str] = {"urban": "urban", "城镇": "urban", "城市": "urban",
                         "rural": "rural", "农村": "rural"}

_CENT = Decimal("0.01")
# Control characters never belong in a name; tab, CR and LF included (a name is one line).
_MONEY_LIMIT = Decimal(10) ** 12
_MONEY_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
_NAME_MAX = 50
# What an error quotes of a cell may be an ID number (a column pasted one place off, a header
# row left out): masked like every ID number of an error table, which officers without the
# right to full ID numbers read too (a queued file's errors are kept with it).
_ID_LIKE = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")
#: full-width digits and X, as an input method left in full-width mode types an ID number
FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def id_characters(text: str) -> str:
    """An ID number (or part of one) as typed, in the characters it is stored in: full-width
    digits and X, or a small x, as the ASCII ones."""
    return text.strip().translate(FULL_WIDTH).upper()
#: The most members a household may have: a larger number is a typo (and would not fit the column).
MAX_MEMBERS = 99


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


def quote(text: str, limit: int | None = 30) -> str:
    """``text`` as an error message quotes it: ID numbers masked, then cut to ``limit``."""
    text = _ID_LIKE.sub(lambda found: mask_id(found.group()), text.translate(FULL_WIDTH))
    return text if limit is None else text[:limit]


def name(cell: Any) -> str:
    text = cell_text(cell)
    if not text:
        raise Invalid(_l("Enter a name."))
    refused = control_character(text)
    if refused is not None:
        raise Invalid(_l("Remove the control character U+%(code)04X (position %(position)d).",
                         code=refused[0], position=refused[1]))
    invisible = next((i for i, ch in enumerate(text) if unicodedata.category(ch) == "Cf"), None)
    if invisible is not None:
        # zero-width and direction marks: "李强" and "李强\u200b" look one and count as two
        # surveyors (each with half the visits of a day), and a direction mark turns the text
        # after it around on the page and in the export
        raise Invalid(_l("Remove the invisible character U+%(code)04X (position %(position)d).",
                         code=ord(text[invisible]), position=invisible + 1))
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
                              value=quote(text)))
        whole = text.split(".", 1)[0]
        # judged by its length first: int() refuses a text of thousands of digits outright
        if len(whole.lstrip("+-0")) > len(str(MAX_MEMBERS)):
            value = 0 if whole.startswith("-") else MAX_MEMBERS + 1
        else:
            value = int(whole)
    if value < 1:
        raise Invalid(_l("The number of members must be at least 1."))
    if value > MAX_MEMBERS:
        raise Invalid(_l("The number of members must be at most %(max)d, not %(value)s.",
                          max=MAX_MEMBERS,
                          value=f"{cell:g}" if cls is float else quote(cell_text(cell))))
    return value


def money(cell: Any) -> Decimal:
    cls = cell.__class__
    if cls is float:
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise Invalid(_l("Enter an amount in yuan."))
        # as Excel shows it: to its 15 significant digits, not the binary double's repr, in
        # which a sum such as =SUM(100.7, 415.6) reads 516.3000000000001
        amount = Decimal(f"{cell:.15g}")
    elif cls is int:
        amount = Decimal(cell)
    else:
        text = cell_text(cell)
        if not text:
            raise Invalid(_l("Enter an amount in yuan (0 if none)."))
        if not _MONEY_TEXT.fullmatch(text):
            raise Invalid(_l("%(value)s is not an amount in yuan like 1234.50.",
                              value=quote(text)))
        amount = Decimal(text)
    if amount < 0:
        raise Invalid(_l("An amount cannot be negative."))
    if amount >= _MONEY_LIMIT:
        raise Invalid(_l("The amount %(value)s is too large.", value=quote(str(amount))))
    try:
        rounded = amount.quantize(_CENT)
    except InvalidOperation:
        raise Invalid(_l("The amount %(value)s is too large.", value=quote(str(amount)))) from None
    if rounded != amount:
        raise Invalid(_l("An amount has at most 2 decimal places (fen), not %(value)s.",
                          value=quote(str(amount))))
    return rounded


def recommendation(cell: Any) -> str:
    text = cell_text(cell)
    key = RECOMMENDATIONS.get(text) or RECOMMENDATIONS.get(text.lower())
    if key is None:
        raise Invalid(_l("The recommendation must be one of dibao (低保), tekun (特困), "
                          "temporary (临时救助) or none (不符合)."))
    return key


def optional_money(cell: Any) -> Decimal | None:
    """An amount, or ``None`` for an empty cell (an income line left out)."""
    if cell is None or (cell.__class__ is str and not cell.strip()):
        return None
    return money(cell)


def yes_no(cell: Any) -> bool | None:
    """是/否 or yes/no (an Excel TRUE/FALSE too); ``None`` for an empty cell."""
    if cell.__class__ is bool:
        return cell
    text = cell_text(cell)
    if not text:
        return None
    answer = YES_NO.get(text.lower())
    if answer is None:
        raise Invalid(_l("Answer yes or no (是 or 否), not %(value)s.", value=quote(text)))
    return answer


def _signed(cell: Any, refusal: Any) -> bool:
    answer = yes_no(cell)
    if answer is None:
        raise Invalid(_l("Answer yes or no (是 or 否)."))
    if not answer:
        raise Invalid(refusal)
    return True


def surveyors_signed(cell: Any) -> bool:
    """The investigators' signatures: a record without them is refused."""
    return _signed(cell, _l("The investigators did not sign the record; an unsigned visit "
                            "is refused (民发〔2021〕57号)."))


def applicant_signed(cell: Any) -> bool:
    """The applicant's signature: a record without it is refused."""
    return _signed(cell, _l("The applicant did not sign the record; an unsigned visit is "
                            "refused (民发〔2021〕57号)."))


def optional_yes_no(cell: Any) -> bool:
    """A yes/no column that may be left empty: empty is no."""
    return bool(yes_no(cell))


def area(cell: Any) -> str:
    text = cell_text(cell)
    key = AREAS.get(text) or AREAS.get(text.lower())
    if key is None:
        raise Invalid(_l("The area must be urban (城镇) or rural (农村)."))
    return key


def same_person(first: str, second: str) -> bool:
    """Whether two names name one investigator: “李 强” (spaced to line up with three-character
    names), full-width or otherwise cased, or carrying invisible characters, it is still one
    person, and one person is not the two investigators a visit needs."""
    return _person(first) == _person(second)


def _person(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold()
                   if not ch.isspace() and unicodedata.category(ch) != "Cf")


def mask_id(number: str) -> str:
    """First 6 + ******** + last 4 characters: how lists, exports and error tables show an ID
    number to whoever may not see it whole."""
    if not number:
        return ""
    return f"{number[:6]}********{number[-4:]}"
