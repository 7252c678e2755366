"""The CJK font of every PDF: an embedded TrueType font when configured and present (renders in
any viewer), else reportlab's built-in CID font STSong-Light (needs no file, but shows only in
viewers that have a Chinese font)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)
EMBEDDED = "CareProcureCJK"
FALLBACK = "STSong-Light"


@cache
def cjk_font(path: str | None) -> str:
    """Register the CJK font once per process and return its name."""
    if path and Path(path).is_file():
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED, path, subfontIndex=0))
            return EMBEDDED
        except Exception:  # a broken or unsupported font file must not break the PDFs
            log.warning("PDF font %s could not be loaded; using %s", path, FALLBACK,
                        exc_info=True)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK
