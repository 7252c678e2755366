"""Charts drawn with reportlab.graphics: one code for the PDF and, as SVG, for the pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab import rl_config

# Attribute validation of shapes is a development aid costing ~4 ms per chart; reportlab
# reads the flag when its graphics modules are imported, so it is set before them.
rl_config.shapeChecking = 0

from reportlab.graphics import renderSVG  # noqa: E402
from reportlab.graphics.charts.barcharts import VerticalBarChart  # noqa: E402
from reportlab.graphics.charts.legends import Legend  # noqa: E402
from reportlab.graphics.charts.lineplots import LinePlot  # noqa: E402
from reportlab.graphics.shapes import (  # noqa: E402
    Circle,
    Drawing,
    Line,
    PolyLine,
    Rect,
    String,
)
from reportlab.graphics.widgets.markers import makeMarker  # noqa: E402
from reportlab.lib import colors  # noqa: E402

BLUE = colors.HexColor("#0d6efd")
GREY = colors.HexColor("#adb5bd")


def section_bars(labels: Sequence[str], scores: Sequence[float | None],
                 means: Sequence[float | None], *, font: str, legend: tuple[str, str],
                 width: float = 460) -> Drawing:
    """Horizontal bars (0–100): this inspection's section scores beside the city-wide means,
    the first section on top; no bar where a value is missing.

    Drawn as plain shapes, not reportlab's bar chart widget: every scorecard prints one, and
    the widget's axes and labels are expanded node by node on each drawing (3.4 of its 4.9 ms,
    measured)."""
    rows = max(1, len(labels))
    height = 40 + rows * 26
    left, bottom, right = 150, 28, width - 20
    scale = (right - left) / 100
    band = (height - 12 - bottom) / rows
    bar = band * 0.4
    drawing = _PlainDrawing(width, height)
    for row, (label, score, mean) in enumerate(zip(labels, scores, means, strict=True)):
        y = height - 12 - (row + 1) * band + band * 0.1
        for offset, value, colour in ((bar, score, BLUE), (0, mean, GREY)):
            if value:
                drawing.add(Rect(left, y + offset, min(float(value), 100) * scale, bar,
                                 fillColor=colour, strokeColor=None))
        drawing.add(String(left - 5, y + bar - 3, str(label)[:14], fontName=font, fontSize=8,
                           textAnchor="end"))
    drawing.add(Line(left, bottom, left, height - 12, strokeWidth=0.5))
    drawing.add(Line(left, bottom, right, bottom, strokeWidth=0.5))
    for value in range(0, 101, 20):
        x = left + value * scale
        drawing.add(Line(x, bottom, x, bottom - 4, strokeWidth=0.5))
        drawing.add(String(x, bottom - 13, str(value), fontName=font, fontSize=8,
                           textAnchor="middle"))
    for n, (name, colour) in enumerate(zip(legend, (BLUE, GREY), strict=True)):
        x = left + n * 120
        drawing.add(Rect(x, 0, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(x + 12, 1, str(name), fontName=font, fontSize=8))
    return drawing


class _PlainDrawing(Drawing):
    """A drawing of filled rectangles, lines and strings, put straight on the PDF canvas.

    reportlab's renderer tracks and compares the whole graphics state at every node: 1.3 ms
    for the 34 nodes of the section chart (measured). These shapes need only their colour,
    width and font; the page operators they make are the renderer's, less its state resets.
    Any other shape, or a stroked rectangle, is left to the renderer."""

    def _plain(self) -> bool:
        return all(type(node) in (Line, String)
                   or (type(node) is Rect and node.strokeColor is None)
                   for node in self.contents)

    def draw(self, showBoundary=rl_config._unset_):  # noqa: N803 (reportlab's name)
        if not self._plain():
            super().draw(showBoundary)
            return
        canvas = self.canv
        # the line ends and joins the renderer would set, whatever the page set before
        canvas.setLineCap(0)
        canvas.setLineJoin(0)
        canvas.setDash()
        anchored = {"start": canvas.drawString, "middle": canvas.drawCentredString,
                    "end": canvas.drawRightString}
        for node in self.contents:
            if type(node) is Rect:
                canvas.setFillColor(node.fillColor)
                canvas.rect(node.x, node.y, node.width, node.height, stroke=0, fill=1)
            elif type(node) is Line:
                canvas.setStrokeColor(node.strokeColor)
                canvas.setLineWidth(node.strokeWidth)
                canvas.line(node.x1, node.y1, node.x2, node.y2)
            else:
                canvas.setFillColor(node.fillColor)
                canvas.setFont(node.fontName, node.fontSize)
                anchored[node.textAnchor](node.x, node.y, node.text)


def trend_line(labels: Sequence[str], values: Sequence[float | None], *, font: str,
               title: str = "", width: float = 460, height: float = 160) -> Drawing:
    """A score across periods (0–100): a marker per period with a value, lines joining
    neighbours; nothing at all where a period has no value (never a 0)."""
    drawing = Drawing(width, height)
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((i, v))
    runs = [run for run in runs if run]
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, width - 60, height - 55
    # an empty plot still needs a series: one invisible point
    plot.data = runs or [[(0, 0)]]
    for n in range(len(plot.data)):
        plot.lines[n].strokeColor, plot.lines[n].strokeWidth = BLUE, 2
        plot.lines[n].symbol = makeMarker("FilledCircle", size=4, fillColor=BLUE,
                                          strokeColor=BLUE)
    if not runs:
        plot.lines[0].strokeColor, plot.lines[0].symbol = None, None
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


# ---- dashboard charts (pages and PDFs alike) ---------------------------------------------------

#: the grade colours of the scorecards and of app.css
GRADE_COLOURS = {"excellent": colors.HexColor("#198754"), "good": colors.HexColor("#0d6efd"),
                 "pass": colors.HexColor("#fd7e14"), "fail": colors.HexColor("#dc3545")}


def _count_axis(axis, top: float, font: str) -> None:
    """A 0-based integer axis with at most about five steps."""
    top = max(1, int(top))
    step = max(1, -(-top // 5))
    axis.valueMin, axis.valueMax, axis.valueStep = 0, step * -(-top // step), step
    axis.labels.fontName, axis.labels.fontSize = font, 8
    axis.labelTextFormat = "%d"


def _category_labels(axis, labels: Sequence[str], font: str) -> None:
    axis.categoryNames = [str(label)[:12] for label in labels]
    axis.labels.fontName, axis.labels.fontSize = font, 8
    if len(labels) > 5:
        axis.labels.angle, axis.labels.boxAnchor, axis.labels.dy = 30, "ne", -2
    else:
        axis.labels.boxAnchor, axis.labels.dy = "n", -4


def bar_chart(labels: Sequence[str], values: Sequence[float], *, font: str,
              width: float = 460, height: float = 200) -> Drawing:
    """Vertical bars of counts, each bar labelled with its value."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 48 if len(labels) > 5 else 30
    chart.width, chart.height = width - 50, height - chart.y - 14
    chart.data = [[v or 0 for v in values] or [0]]
    chart.bars[0].fillColor, chart.bars.strokeColor = BLUE, None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = font, 8, 7
    _count_axis(chart.valueAxis, max(values or [0]), font)
    _category_labels(chart.categoryAxis, labels or [""], font)
    drawing.add(chart)
    return drawing


def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float], object]],
                 *, font: str, width: float = 460, height: float = 220) -> Drawing:
    """One stacked bar per label; ``series`` is ``(name, values, colour)`` from the bottom up."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 66 if len(labels) > 5 else 48
    chart.width, chart.height = width - 50, height - chart.y - 10
    chart.categoryAxis.style = "stacked"
    chart.data = [[v or 0 for v in values] or [0] for _, values, _ in series] or [[0]]
    for index, (_, _, colour) in enumerate(series):
        chart.bars[index].fillColor = colour
    chart.bars.strokeColor = None
    totals = [sum(column) for column in zip(*chart.data, strict=True)]
    _count_axis(chart.valueAxis, max(totals or [0]), font)
    _category_labels(chart.categoryAxis, labels or [""], font)
    drawing.add(chart)
    key = Legend()
    key.x, key.y = 36, 10
    key.fontName, key.fontSize = font, 8
    key.alignment, key.columnMaximum, key.deltax = "right", 1, 90
    key.colorNamePairs = [(colour, str(name)) for name, _, colour in series]
    drawing.add(key)
    return drawing


def sparkline(values: Sequence[float | None], *, width: float = 96, height: float = 24,
              low: float = 0, high: float = 100) -> Drawing:
    """A tiny line of scores (``low``–``high``) without axes; a gap where a value is None."""
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f8f9fa"),
                     strokeColor=None))
    if not values:
        return drawing
    step = (width - 6) / max(1, len(values) - 1)

    def point(index: int, value: float) -> tuple[float, float]:
        ratio = (min(max(value, low), high) - low) / (high - low)
        return 3 + index * step, 3 + ratio * (height - 6)

    run: list[float] = []
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.extend(point(index, float(value)))
            continue
        if len(run) >= 4:
            drawing.add(PolyLine(run, strokeColor=BLUE, strokeWidth=1.5))
        elif len(run) == 2:
            drawing.add(Circle(run[0], run[1], 1.5, fillColor=BLUE, strokeColor=None))
        run = []
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    if last is not None:
        x, y = point(last[0], float(last[1]))
        drawing.add(Circle(x, y, 2, fillColor=BLUE, strokeColor=None))
    return drawing


#: above this many scores a timeline is a line without a dot per score: the dots would merge
#: into a band, and each one is a node of the drawing (a big provider has a thousand a year)
MARKED_POINTS = 60


def score_timeline(days: Sequence[date], values: Sequence[float], *, font: str,
                   width: float = 460, height: float = 180) -> Drawing:
    """Scores (0–100) placed on a time axis by their date, with at most six date labels."""
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, width - 60, height - 45
    points = [(day.toordinal(), float(v)) for day, v in zip(days, values, strict=True)]
    if not points:
        return drawing
    first, last = points[0][0], points[-1][0]
    if first == last:
        first, last = first - 15, last + 15
    plot.data = [points]
    plot.lines[0].strokeColor, plot.lines[0].strokeWidth = BLUE, 2
    if len(points) <= MARKED_POINTS:
        plot.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=BLUE)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = first, last
    step = max(1, (last - first) // 5)
    plot.xValueAxis.valueSteps = list(range(first, last + 1, step))
    plot.xValueAxis.labelTextFormat = lambda n: date.fromordinal(int(n)).isoformat()
    plot.xValueAxis.labels.fontName, plot.xValueAxis.labels.fontSize = font, 7
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.yValueAxis.labels.fontName = font
    drawing.add(plot)
    return drawing
