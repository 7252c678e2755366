"""The QR code printed on scorecards: its verification URL, for a phone to open.

zxing-cpp encodes it (error correction M survives a smudged printout), choosing the mask pattern
by the standard's penalty rules in C++: 0.2 ms, where segno's search in pure Python took 3 ms of
every scorecard and reportlab's own widget more (measured). The code is drawn as vectors, so it
stays sharp at any zoom, and as one filled path of a rectangle per run of dark modules in a row
(reportlab's widget draws a shape per module, each with its own graphics state).
"""

from __future__ import annotations

import zxingcpp
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
        self.matrix = _modules(data)

    @property
    def module(self) -> float:
        return self.width / (len(self.matrix) + 2 * QUIET_ZONE)

    def module_runs(self) -> list[tuple[int, int, int]]:
        """The dark runs as ``(x, y, length)`` in modules, quiet zone included, y up from the
        bottom edge: each run one module high."""
        rows = len(self.matrix)
        runs = []
        for r, row in enumerate(self.matrix):
            y = rows - 1 - r + QUIET_ZONE
            start = None
            for c, dark in enumerate((*row, 0)):
                if dark and start is None:
                    start = c
                elif not dark and start is not None:
                    runs.append((start + QUIET_ZONE, y, c - start))
                    start = None
        return runs

    def runs(self) -> list[tuple[float, float, float, float]]:
        """The dark runs as ``(x, y, width, height)`` in points, y up from the bottom edge."""
        m = self.module
        return [(x * m, y * m, length * m, m) for x, y, length in self.module_runs()]

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(colors.black)
        # Drawn in module units, scaled once: a path of whole numbers written as one string,
        # where a rectangle at a time through reportlab's path object formats each number in
        # points (0.5 of the QR's 1 ms per scorecard, measured).
        m = self.module
        self.canv.transform(m, 0, 0, m, 0, 0)
        self.canv.addLiteral("n " + " ".join(f"{x} {y} {length} 1 re"
                                             for x, y, length in self.module_runs()) + " f")


def _modules(data: str) -> list[tuple[bool, ...]]:
    """The QR code's modules row by row, top first: True where dark."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(scale=1, add_quiet_zones=False)  # one byte a module, 0 = dark
    rows, columns = image.shape[:2]
    pixels = bytes(memoryview(image))
    return [tuple(pixel == 0 for pixel in pixels[r * columns:(r + 1) * columns])
            for r in range(rows)]


def verification_qr(url: str, size: float = SIZE) -> QrCode:
    """The QR code of ``url``, ``size`` points square."""
    return QrCode(url, size)
