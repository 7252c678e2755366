"""The embedded CJK font: its tables are read from the file once per process, and the PDFs
embedding it still carry the glyphs they print."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from config import Config
from reports.scorecards.fonts import EMBEDDED, cjk_font

PATH = Config.PDF_CJK_FONT


@pytest.mark.skipif(not PATH or not Path(PATH).is_file(), reason="no CJK font file here")
def test_the_glyph_table_is_read_once_and_every_pdf_still_embeds_its_subset():
    assert cjk_font(PATH) == EMBEDDED
    face = pdfmetrics.getFont(EMBEDDED).face
    assert face.get_table("glyf") is face.get_table("glyf")
    for text in ("冬暖工程检查评分表", "应急照明损坏需更换"):
        out = io.BytesIO()
        canvas = Canvas(out)
        canvas.setFont(EMBEDDED, 12)
        canvas.drawString(72, 720, text)
        canvas.save()
        reader = PdfReader(io.BytesIO(out.getvalue()))
        assert reader.pages[0].extract_text().strip() == text
