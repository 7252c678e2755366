"""Text for reportlab's ``Paragraph``, which reads its text as markup.

Unescaped, an inspector's note ``<link href="...">`` becomes a live link in an official
scorecard and ``<img>`` breaks the build. Every text that enters a Paragraph goes through
:func:`para_text`: markup characters are escaped, so a note prints exactly as it was typed.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(value: object) -> str:
    """``value`` as text to draw as it is (never parsed): control characters removed."""
    return "" if value is None else _CONTROL.sub("", str(value))


def para_text(value: object) -> str:
    """``value`` as Paragraph text that shows literally; its line breaks kept."""
    return escape(plain_text(value)).replace("\n", "<br/>")
