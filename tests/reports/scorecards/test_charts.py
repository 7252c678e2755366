"""The scorecard's section chart: a bar per score and per city mean, as long as the value, the
first section on top, nothing where a value is missing."""

from __future__ import annotations

import pytest
from reportlab.graphics.shapes import Rect, String

from reports.scorecards.charts import BLUE, GREY, section_bars

FONT = "Helvetica"


def _bars(drawing, colour) -> list[Rect]:
    bars = [s for s in drawing.contents if isinstance(s, Rect) and s.fillColor == colour]
    return sorted(bars[:-1], key=lambda r: -r.y)  # top first; the last is the legend's swatch


def _texts(drawing) -> list[str]:
    return [s.text for s in drawing.contents if isinstance(s, String)]


def test_each_bar_is_as_long_as_its_value_and_the_first_section_is_on_top():
    drawing = section_bars(["消防安全", "取暖设施"], [90, 45], [80, 60], font=FONT,
                           legend=("本次检查", "全市平均"))
    scores, means = _bars(drawing, BLUE), _bars(drawing, GREY)
    assert [round(b.width / scores[0].width * 90) for b in scores] == [90, 45]
    assert [round(b.width / scores[0].width * 90) for b in means] == [80, 60]
    # the first section's pair is above the second's, the score above its mean
    assert scores[0].y > means[0].y > scores[1].y > means[1].y
    labels = _texts(drawing)
    assert labels.index("消防安全") < labels.index("取暖设施")
    assert {"本次检查", "全市平均", "0", "100"} <= set(labels)


def test_a_missing_score_or_mean_draws_no_bar_and_a_value_over_100_stops_at_the_axis_end():
    drawing = section_bars(["a", "b", "c"], [None, 100, 130], [70, None, 50], font=FONT,
                           legend=("x", "y"))
    scores, means = _bars(drawing, BLUE), _bars(drawing, GREY)
    assert len(scores) == 2 and len(means) == 2
    assert scores[0].width == pytest.approx(scores[1].width)  # 130 drawn as 100


def test_a_long_section_name_is_cut_to_fit_beside_the_bars():
    drawing = section_bars(["取暖设施（冬季）及其安全管理与维护保养"], [90], [80], font=FONT,
                           legend=("x", "y"))
    assert "取暖设施（冬季）及其安全管理" in _texts(drawing)
    assert all(len(text) <= 14 for text in _texts(drawing))


def test_the_chart_drawn_on_a_page_prints_its_labels_and_bars():
    import io

    from pypdf import PdfReader
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    SimpleDocTemplate(out).build([section_bars(["fire", "heat"], [90, 45], [80, None],
                                               font=FONT, legend=("this", "mean"))])
    page = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    text = page.extract_text()
    assert all(word in text for word in ("fire", "heat", "this", "mean", "0", "100"))
    assert page.get_contents().get_data().count(b" re") == 3 + 2  # three bars, two swatches
