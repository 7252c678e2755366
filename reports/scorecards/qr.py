"""The QR code printed on scorecards: its verification URL, for a phone to open.

segno encodes it (error correction M survives a smudged printout); the code is drawn as vectors,
so it stays sharp at any zoom, and as one filled path of a rectangle per run of dark modules in
a row. reportlab's own widget draws a shape per module, each with its own graphics state, and
searched the mask pattern in pure Python: together most of a scorecard's time, measured.
"""

from __future__ import annotations

import segno
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Flowable

SIZE = 2.6 * cm
#: the light margin readers need around the symbol, in modules (ISO/IEC 18004)
QUIET_ZONE = 4


class QrCode(Flowable):
    """A ``size`` × ``size`` flowable of the QR code of ``data``, quiet zone included."""

    def __init__(self, data: str, size: float = SIZE):
        super().__init__()
        self.data = data
        self.width = self.height = size
        self.matrix = segno.make(data, error="m", micro=False, boost_error=False).matrix

    @property
    def module(self) -> float:
        return self.width / (len(self.matrix) + 2 * QUIET_ZONE)

    def runs(self) -> list[tuple[float, float, float, float]]:
        """The dark runs as ``(x, y, width, height)`` in points, y up from the bottom edge."""
        m, rows = self.module, len(self.matrix)
        rects = []
        for r, row in enumerate(self.matrix):
            y = (rows - 1 - r + QUIET_ZONE) * m
            start = None
            for c, dark in enumerate((*row, 0)):
                if dark and start is None:
                    start = c
                elif not dark and start is not None:
                    rects.append(((start + QUIET_ZONE) * m, y, (c - start) * m, m))
                    start = None
        return rects

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        return self.width, self.height

    def draw(self) -> None:
        path = self.canv.beginPath()
        for x, y, w, h in self.runs():
            path.rect(x, y, w, h)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def verification_qr(url: str, size: float = SIZE) -> QrCode:
    """The QR code of ``url``, ``size`` points square."""
    return QrCode(url, size)
