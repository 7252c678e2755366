"""The yardstick of ``bench/scorecards.py``: the least a one-page inspection card can cost —
a title, a 30-row table of plain strings and a total, in the same embedded CJK font as the
scorecards — with reportlab's platypus, and (where WeasyPrint is installed) the same card as
HTML through WeasyPrint."""

from __future__ import annotations

import io
import time

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

ROWS = [(f"{n + 1}", f"消防设施第{n + 1}项：应急照明、疏散指示完好", "2.0", "2.0")
        for n in range(30)]


def platypus_card(font: str) -> bytes:
    out = io.BytesIO()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=20)
    table = Table([("#", "检查项目", "满分", "得分"), *ROWS], colWidths=(30, 330, 50, 50))
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                               ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    SimpleDocTemplate(out, pagesize=A4).build(
        [Paragraph("咸宁市民政局 冬暖工程检查评分表", title), table,
         Paragraph("总分 95.0 优秀", title)])
    return out.getvalue()


def weasyprint_card() -> bytes | None:
    """The same card through WeasyPrint, or None when it is not installed."""
    try:
        from weasyprint import HTML
    except ImportError:
        return None
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td></tr>"
                   for a, b, c, d in ROWS)
    return HTML(string=f"<h1>咸宁市民政局 冬暖工程检查评分表</h1><table>{rows}</table>"
                       "<p>总分 95.0 优秀</p>").write_pdf()


def timed(render) -> float:
    """Milliseconds of one ``render()``."""
    start = time.perf_counter()
    render()
    return (time.perf_counter() - start) * 1000
