"""The password policy: long enough, not a common password, not built from the user's own
e-mail or name, and not easy to guess.

zxcvbn (Dropbox's estimator) judges guessability: it knows the 30,000 most common passwords
and common words and names, and sees keyboard patterns, sequences, repeats and dates, which a
fixed list of passwords would miss ("password!!!", "qwertyuiop", "1234567890"). Its ``user_inputs``
are the user's own words. It runs offline in about a millisecond.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 10
#: zxcvbn's scale 0-4; 3 means "safely unguessable" (about 10^8 guesses or more)
MIN_SCORE = 3
#: longer passwords are judged by their first characters (zxcvbn is quadratic in the length)
JUDGED_LENGTH = 64
#: words of this site that a password built on them would share with every account
SITE_WORDS = ("careprocure", "minzheng", "xianning")


def user_words(email: str = "", name: str = "") -> list[str]:
    """The words a user's password must not be built from: the e-mail, its parts, the name."""
    email = (email or "").strip().lower()
    local, _at, domain = email.partition("@")
    words = [email, local, *re.split(r"[._+\-]", local), *domain.split(".")[:-1]]
    name = (name or "").strip().lower()
    words += [name, *name.split()]
    return [w for w in dict.fromkeys(words) if len(w) >= 3]


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is refused (one sentence in the user's language), or ``None``."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("A password needs at least %(n)d characters.", n=MIN_LENGTH)
    lowered = password.lower()
    local = (email or "").strip().lower().partition("@")[0]
    if (email and email.strip().lower() in lowered) or (len(local) >= 4 and local in lowered):
        return _derived()
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=[*user_words(email, name),
                                                           *SITE_WORDS])
    if result["score"] >= MIN_SCORE:
        return None
    dictionaries = _dictionaries(result["sequence"])
    if "user_inputs" in dictionaries:
        return _derived()
    if "passwords" in dictionaries:
        return _("This is one of the most commonly used passwords; choose another.")
    return _("This password is too easy to guess: it is made of common words, names, dates, "
             "repeats, sequences or keyboard patterns. A few unrelated words make a strong one.")


def _dictionaries(matches: list[dict]) -> set[str]:
    """The word lists behind ``matches``, looking inside repeats ("lihualihua")."""
    names = set()
    for match in matches:
        if match["pattern"] == "dictionary":
            names.add(match["dictionary_name"])
        names |= _dictionaries(match.get("base_matches") or [])
    return names


def _derived() -> str:
    return _("This password is built from your e-mail address, your name or this site's name; "
             "choose one that is not.")
