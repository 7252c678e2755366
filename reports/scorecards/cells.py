"""Table cells that cost a Paragraph only when their text wraps.

A Paragraph parses its text as markup and breaks it into lines each time a table measures it;
most cells of a scorecard (a name, a short note, a grade) fit on one line. :class:`Cell` draws
such text as one string in the paragraph style it would have had — the string is never parsed,
so markup prints as typed — and hands anything longer, or with a line break, to a Paragraph
through :func:`para_text`, as every user text entering a Paragraph must.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from reports.scorecards.markup import para_text, plain_text


class Cell(Flowable):
    """``text`` in ``style``: one drawn line where it fits the cell, else a Paragraph."""

    def __init__(self, text: object, style: ParagraphStyle):
        super().__init__()
        self.text = plain_text(text)
        self.style = style
        self._width = stringWidth(self.text, style.fontName, style.fontSize)
        self._paragraph: Paragraph | None = None
        self._measured: float | None = None

    def _wraps(self, width: float) -> bool:
        return "\n" in self.text or self._width > width - self.style.leftIndent \
            - self.style.rightIndent

    def _para(self) -> Paragraph:
        if self._paragraph is None:
            self._paragraph = Paragraph(para_text(self.text), self.style)
        return self._paragraph

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        # a table measures each cell several times at the same width; the lines stay the same
        if availWidth == self._measured:
            return self.width, self.height
        self._measured = availWidth
        if self._wraps(availWidth):
            self.width, self.height = self._para().wrap(availWidth, availHeight)
            self._line = False
        else:
            self.width, self.height = availWidth, self.style.leading
            self._line = True
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        """The Paragraph's parts, for a table row taller than a page; a single line does not
        split. reportlab asks at the column's width, padding included: the lines already
        measured (inside the padding) are the ones to split."""
        if self._measured is None:
            self.wrap(availWidth, availHeight)
        if self._line:
            return []
        parts = self._para().split(self._measured, availHeight)
        if len(parts) != 2:
            # a failed split drops the Paragraph's lines: measure afresh before drawing
            self._measured = None
            return []
        return parts

    def minWidth(self):  # noqa: N802 (reportlab's name)
        return self._para().minWidth()

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 (reportlab's name)
        if not self._line:
            self._para().drawOn(canvas, x, y, _sW)
            return
        super().drawOn(canvas, x, y, _sW)

    def draw(self):
        style, canvas = self.style, self.canv
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        # where a one-line Paragraph puts its baseline
        baseline = self.height - style.fontSize
        if style.alignment == TA_CENTER:
            canvas.drawCentredString(self.width / 2, baseline, self.text)
        elif style.alignment == TA_RIGHT:
            canvas.drawRightString(self.width - style.rightIndent, baseline, self.text)
        else:
            canvas.drawString(style.leftIndent, baseline, self.text)
