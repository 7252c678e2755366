"""Scorecard table cells: one drawn line where the text fits, a Paragraph where it wraps, and
markup printed as typed either way."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from reports.scorecards.cells import Cell
from reports.scorecards.fonts import cjk_font
from reports.scorecards.markup import para_text
from reports.scorecards.pdf import _table

FONT = cjk_font(None)
STYLE = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")


def _pdf_text(cells, width=200) -> str:
    out = io.BytesIO()
    SimpleDocTemplate(out).build([Table([[c] for c in cells], colWidths=[width])])
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.getvalue())).pages)


def test_text_that_fits_is_one_line_and_prints_its_markup_as_typed():
    cell = Cell("<b>阳光</b> & 伙伴\x07", STYLE)
    assert cell.wrap(200, 100) == (200, STYLE.leading)
    assert cell._paragraph is None  # no Paragraph was built
    assert "<b>阳光</b> & 伙伴" in _pdf_text([Cell("<b>阳光</b> & 伙伴\x07", STYLE)])


def test_text_too_wide_or_with_a_line_break_wraps_as_a_paragraph():
    long = Cell("走廊应急照明损坏需更换" * 6, STYLE)
    assert long.wrap(200, 100)[1] >= 2 * STYLE.leading
    broken = Cell("第一行\n第二行", STYLE)
    assert broken.wrap(200, 100)[1] == 2 * STYLE.leading
    text = _pdf_text([Cell('<link href="http://evil.example">点</link>' * 4, STYLE)])
    assert '<link href="http://evil.example">' in text.replace("\n", "")


def test_a_cell_measured_again_at_a_new_width_rewraps():
    cell = Cell("走廊应急照明损坏需更换" * 3, STYLE)
    narrow = cell.wrap(100, 100)[1]
    assert cell.wrap(1000, 100)[1] == STYLE.leading < narrow


def test_a_cell_taller_than_a_page_splits_into_its_paragraphs_parts():
    cell = Cell("走廊应急照明损坏需更换" * 40, STYLE)
    height = cell.wrap(100, 1000)[1]
    top, rest = cell.split(100 + 12, 5 * STYLE.leading)  # asked with the padding, as tables do
    assert top.wrap(100, 1000)[1] == 5 * STYLE.leading
    assert rest.wrap(100, 1000)[1] == height - 5 * STYLE.leading
    assert Cell("一行", STYLE).split(100, 5) == []


@pytest.mark.parametrize("text", ["防寒保暖措施落实情况" * 500,  # an item text of 5,000
                                  "行\n" * 600])
def test_a_scorecard_table_prints_a_row_taller_than_a_page_whole(text):
    rows = [["项目", "备注"], [Cell(text, STYLE), Cell(text, STYLE)], [Cell("末项", STYLE), "1"]]
    out = io.BytesIO()
    SimpleDocTemplate(out).build([_table(rows, [300, 150], FONT)])
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.getvalue())).pages)
    assert printed.count(text[0]) == 2 * text.count(text[0]) and "末项" in printed


@pytest.mark.parametrize("width", [90, 150, 233.5])
def test_wrapped_text_breaks_into_the_lines_a_paragraph_makes(width):
    text = "走廊应急照明损坏需更换，" * 5 + "emergency lights out（二楼）"
    cell, paragraph = Cell(text, STYLE), Paragraph(para_text(text), STYLE)
    assert cell.wrap(width, 1000) == paragraph.wrap(width, 1000)
    assert cell._lines == [line for _space, [line] in paragraph.blPara.lines]
    assert cell._paragraph is None  # drawn as lines, never parsed


@pytest.mark.parametrize("text", ["两个  空格" * 9, "a &amp; b " * 9, "行一\n行二"])
def test_text_a_paragraph_would_rewrite_is_left_to_the_paragraph(text):
    cell = Cell(text, STYLE)
    assert cell.wrap(60, 1000) == Paragraph(para_text(text), STYLE).wrap(60, 1000)
    assert cell._paragraph is not None
