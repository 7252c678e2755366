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

from app import warmup

log = logging.getLogger(__name__)
EMBEDDED = "CareProcureCJK"
FALLBACK = "STSong-Light"


@cache
def cjk_font(path: str | None) -> str:
    """Register the CJK font once per process and return its name."""
    if path and Path(path).is_file():
        try:
            # not "ASCII readable": reportlab then reserves the first 96 codes of every PDF's
            # first subset for ASCII, embedding those glyphs whether printed or not; without
            # it a scorecard embeds only the glyphs it prints (a smaller font subset to build
            # and compress), and text is still extracted through the font's Unicode map
            font = TTFont(EMBEDDED, path, subfontIndex=0, asciiReadable=False)
            _keep_tables(font.face)
            pdfmetrics.registerFont(font)
            return EMBEDDED
        except Exception:  # a broken or unsupported font file must not break the PDFs
            log.warning("PDF font %s could not be loaded; using %s", path, FALLBACK,
                        exc_info=True)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK


def _keep_tables(face) -> None:
    """Read each table of the font file once per process, not once per PDF.

    Every PDF embeds subsets of the font; reportlab copies the whole glyph table out of the
    font file for each subset (megabytes for a CJK font: the largest single cost of saving a
    scorecard, measured). The tables are immutable bytes, so one copy serves every subset."""
    tables: dict[str, bytes] = {}
    read = face.get_table

    def get_table(tag: str) -> bytes:
        if tag not in tables:
            tables[tag] = read(tag)
        return tables[tag]

    face.get_table = get_table


@warmup.step
def _register_at_start(app) -> None:
    cjk_font(app.config.get("PDF_CJK_FONT"))
