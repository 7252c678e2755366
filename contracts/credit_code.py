"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

python-stdnum checks the final character (mod 31); positions 9–17 also carry the organization
code (GB 11714-1997), whose own check character stdnum does not verify, so it is checked here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organization code body."""
    remainder = 11 - sum(_org_char_value(c) * w for c, w in zip(body, _ORG_WEIGHTS,
                                                                strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


class InvalidCreditCode(ValueError):
    pass


def validate_credit_code(code: str) -> str:
    """The code in canonical form, or :class:`InvalidCreditCode` saying what is wrong."""
    try:
        code = uscc.validate(code or "")
    except StdnumError as error:
        # lazy: the reason reaches the provider form and the API in the reader's language
        raise InvalidCreditCode(
            _l("must be 18 characters: digits and capital letters except I, O, S, V, Z, "
               "with a valid check character") if "Checksum" not in type(error).__name__
            else _l("the check character (last) does not match")) from None
    org_code = code[8:17]
    if org_code_check_char(org_code[:8]) != org_code[8]:
        raise InvalidCreditCode(_l("the organization code (characters 9–17) has a wrong check "
                                   "character"))
    return code


def make_credit_code(registration: str, region_code: str, org_body: str) -> str:
    """Build a valid code from its parts (demo data and tests)."""
    head = registration + region_code + org_body + org_code_check_char(org_body)
    return head + uscc.calc_check_digit(head)
