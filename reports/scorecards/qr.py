"""The QR code printed on scorecards: its verification URL, for a phone to open.

reportlab's own widget encodes it and it is drawn as vectors, so it stays sharp at any zoom and
adds no image library; error correction M survives a smudged printout.

Two costs of reportlab's widget dominated a scorecard (measured): the search for the best mask
scores eight candidate codes with pure-Python loops, and the drawing goes through
``renderPDF`` node by node, a graphics-state change per module run. The same mask is chosen
here with the same penalty rules counted by numpy, and the same squares are painted as one
filled path — the code on paper is the one reportlab would print.
"""

from __future__ import annotations

import numpy as np
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRUtil
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.units import cm

SIZE = 2.6 * cm
#: reportlab's finder-like pattern of penalty rule 3 (dark, light, dark ×3, light, dark, light ×4)
_RULE3 = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)


def _runs_penalty(rows: np.ndarray) -> int:
    """Rule 1 along the rows: every run of five or more equal modules costs its length − 2."""
    starts = np.ones(rows.shape, dtype=bool)
    starts[:, 1:] = rows[:, 1:] != rows[:, :-1]
    lengths = np.diff(np.append(np.flatnonzero(starts), rows.size))
    return int((lengths[lengths >= 5] - 2).sum())


def _pattern_penalty(rows: np.ndarray) -> int:
    """Rule 3 along the rows, as reportlab counts it: 40 per occurrence starting before the
    last eleven columns (occurrences cannot overlap)."""
    n = rows.shape[1]
    if n <= len(_RULE3):
        return 0
    windows = np.lib.stride_tricks.sliding_window_view(rows, len(_RULE3), axis=1)
    return 40 * int((windows[:, : n - len(_RULE3)] == _RULE3).all(axis=2).sum())


def lost_points(modules: np.ndarray) -> int:
    """reportlab's ``QRUtil.getLostPoint`` of a module matrix, computed with numpy.

    reportlab looks for rule 3's pattern in the rows only (its column scan compares tuples
    with a list, which never match); the choice of mask must be reportlab's, so neither
    does this."""
    blocks = modules[1:, 1:]
    same = ((blocks == modules[:-1, 1:]) & (blocks == modules[1:, :-1])
            & (blocks == modules[:-1, :-1]))
    dark = int(modules.sum())
    return (_runs_penalty(modules) + _runs_penalty(modules.T) + 3 * int(same.sum())
            + _pattern_penalty(modules) + 10 * (abs(100 * dark // modules.size - 50) // 5))


def _best_mask(code) -> int:
    """reportlab's ``QRCode.getBestMaskPattern``: the first mask with the fewest lost points.

    reportlab lays the code out eight times, once per mask. A trial layout leaves the format
    bits blank, so trial layouts differ only in the data modules, each the data bit XOR the
    mask's bit: one layout gives the bits, and numpy applies each mask to them."""
    code.makeImpl(True, 0)
    base = np.array(code.modules, dtype=bool)
    cols, rows = np.array(code.dataPosIterator()).T
    bits = base[rows, cols] ^ QRUtil.getMask(0)(rows, cols)
    best, pattern = None, 0
    for mask in range(8):
        modules = base.copy()
        modules[rows, cols] = bits ^ QRUtil.getMask(mask)(rows, cols)
        points = lost_points(modules)
        if best is None or points < best:
            best, pattern = points, mask
    return pattern


class _QrDrawing(Drawing):
    """A drawing of filled squares (the widget's modules, unstroked), painted as one path
    instead of node by node."""

    def draw(self, showBoundary=None):  # noqa: ARG002 (reportlab's signature)
        squares = [shape for shape in self.contents[0].contents
                   if isinstance(shape, Rect) and shape.fillColor is not None]
        if not squares:
            return
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(squares[0].fillColor)
        path = canvas.beginPath()
        for shape in squares:
            path.rect(shape.x, shape.y, shape.width, shape.height)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


def verification_qr(url: str, size: float = SIZE) -> Drawing:
    """A ``size`` × ``size`` drawing of the QR code of ``url``.

    The code is encoded once, here: a widget left in the drawing would be encoded again each
    time reportlab asks for its bounds or draws it."""
    widget = QrCodeWidget(url, barLevel="M", barWidth=size, barHeight=size)
    code = widget.qr
    code.getBestMaskPattern = lambda: _best_mask(code)
    drawing = _QrDrawing(size, size)
    drawing.add(widget.draw())
    return drawing
