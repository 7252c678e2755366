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
    """A ``size`` × ``size`` drawing of the QR code of ``url``.

    The code is encoded once, here: a widget left in the drawing would be encoded again each
    time reportlab asks for its bounds or draws it (the mask search is most of a card's cost)."""
    widget = QrCodeWidget(url, barLevel="M", barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget.draw())
    return drawing
