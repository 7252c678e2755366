"""Charts drawn with reportlab.graphics: one code for the PDF and, as SVG, for the pages."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

BLUE = colors.HexColor("#0d6efd")
GREY = colors.HexColor("#adb5bd")


def section_bars(labels: Sequence[str], scores: Sequence[float | None],
                 means: Sequence[float | None], *, font: str, legend: tuple[str, str],
                 width: float = 460) -> Drawing:
    """Horizontal bars: this inspection's section scores beside the city-wide means."""
    rows = max(1, len(labels))
    height = 40 + rows * 26
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 28
    chart.width, chart.height = width - 170, height - 40
    chart.data = [[s or 0 for s in reversed(scores)], [m or 0 for m in reversed(means)]]
    chart.bars[0].fillColor, chart.bars[1].fillColor = BLUE, GREY
    chart.bars.strokeColor = None
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = font
    chart.categoryAxis.categoryNames = [str(label)[:14] for label in reversed(labels)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.groupSpacing, chart.barSpacing = 6, 1
    drawing.add(chart)
    key = Legend()
    key.x, key.y = 150, 12
    key.fontName, key.fontSize = font, 8
    key.alignment, key.columnMaximum, key.deltax = "right", 1, 120
    key.colorNamePairs = [(BLUE, legend[0]), (GREY, legend[1])]
    drawing.add(key)
    return drawing


def trend_line(labels: Sequence[str], values: Sequence[float | None], *, font: str,
               title: str = "", width: float = 460, height: float = 160) -> Drawing:
    """A score across periods (0–100); gaps where a period has no value."""
    drawing = Drawing(width, height)
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, width - 60, height - 55
    plot.data = [points or [(0, 0)]]
    plot.lines[0].strokeColor, plot.lines[0].strokeWidth = BLUE, 2
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, max(len(labels) - 0.5, 0.5)
    plot.xValueAxis.valueSteps = list(range(len(labels)))
    plot.xValueAxis.labelTextFormat = lambda i: str(labels[int(i)]) if 0 <= i < len(labels) else ""
    plot.xValueAxis.labels.fontName = font
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.yValueAxis.labels.fontName = font
    drawing.add(plot)
    if title:
        drawing.add(String(40, height - 14, title, fontName=font, fontSize=10))
    return drawing


def to_svg(drawing: Drawing) -> str:
    return renderSVG.drawToString(drawing)
