"""The QR code printed on scorecards: its verification URL, for a phone to open.

reportlab's own widget draws it as vectors, so it stays sharp at any zoom and adds no image
library; error correction M survives a smudged printout.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import cm

SIZE = 2.6 * cm


def verification_qr(url: str, size: float = SIZE) -> Drawing:
    """A ``size`` × ``size`` drawing of the QR code of ``url``."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing
