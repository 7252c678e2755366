"""Sparklines of the dashboards' tables as SVG text written directly: a city's ranking draws
500 of them, and reportlab's renderer costs ~2 ms each. Same look as
:func:`reports.scorecards.charts.sparkline` (a light box, a blue line, a gap for an unknown
value, a dot on the last known one); attributes only, no inline style (CSP)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import escape

BLUE = "#0d6efd"
BOX = "#f8f9fa"


def sparkline_svg(values: Sequence[float | None], *, label: str, width: float = 96,
                  height: float = 24, low: float = 0, high: float = 100) -> str:
    """The line of ``values``; ``label`` says it in words for screen readers (an image
    needs its alternative text)."""
    step = (width - 6) / max(1, len(values) - 1)

    def point(index: int, value: float) -> tuple[float, float]:
        ratio = (min(max(float(value), low), high) - low) / (high - low)
        return 3 + index * step, height - 3 - ratio * (height - 6)  # SVG's y grows downwards

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="{BOX}"/>']
    run: list[tuple[float, float]] = []
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.append(point(index, value))
            continue
        if len(run) >= 2:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" '
                         'stroke-width="1.5"/>')
        elif len(run) == 1:
            parts.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="1.5" '
                         f'fill="{BLUE}"/>')
        run = []
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    if last is not None:
        x, y = point(*last)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{BLUE}"/>')
    return "".join(parts) + "</svg>"
