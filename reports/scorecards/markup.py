"""Text for reportlab's ``Paragraph``, which reads its text as markup.

Unescaped, an inspector's note ``<link href="...">`` becomes a live link in an official
scorecard and ``<img>`` breaks the build. Every text that enters a Paragraph goes through
:func:`para_text`: markup characters are escaped, so a note prints exactly as it was typed.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def para_text(value: object) -> str:
    """``value`` as Paragraph text that shows literally; its line breaks kept."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value))
    return escape(text).replace("\n", "<br/>")
