"""Text of a scorecard (table cells, headings) that costs a Paragraph only where it must.

A Paragraph parses its text as markup and breaks it into lines each time a table measures it.
:class:`Cell` draws text as the paragraph style would — the string is never parsed, so markup
prints as typed: one line where it fits; where it wraps, the lines reportlab's CJK wrapping
makes of the Paragraph's text (its own ``wordSplit``, so the same lines), for left-aligned
text. Text a Paragraph would rewrite first (a line break, runs of spaces), and a cell split
across pages, go to a Paragraph through :func:`para_text`, as every user text entering a
Paragraph must.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import wordSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from reports.scorecards.markup import para_text, plain_text


def _wraps_as_lines(text: str, style: ParagraphStyle) -> bool:
    """Whether a Paragraph of ``text`` would be one run of text broken by ``wordSplit`` into
    left-aligned lines: CJK wrapping in a plain style, and text its markup parser keeps in one
    piece (it folds line breaks and runs of whitespace, and splits the text at each escaped
    ``&``, ``<`` or ``>``)."""
    return (style.wordWrap == "CJK" and style.alignment == TA_LEFT
            and getattr(style, "autoLeading", "") in ("", "off")
            and not (style.firstLineIndent or style.backColor or style.borderWidth
                     or style.textTransform or style.endDots or style.shaping)
            and " ".join(text.split()) == text and not any(c in text for c in "&<>"))


class Cell(Flowable):
    """``text`` in ``style``: drawn lines, as the Paragraph would break them, or a Paragraph."""

    def __init__(self, text: object, style: ParagraphStyle):
        super().__init__()
        self.text = plain_text(text)
        self.style = style
        self._width = stringWidth(self.text, style.fontName, style.fontSize)
        self._paragraph: Paragraph | None = None
        self._measured: float | None = None
        #: the lines drawn, or None where the Paragraph draws
        self._lines: list[str] | None = None
        self._plain = _wraps_as_lines(self.text, style)

    def _para(self) -> Paragraph:
        if self._paragraph is None:
            self._paragraph = Paragraph(para_text(self.text), self.style)
        return self._paragraph

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        # a table measures each cell several times at the same width; the lines stay the same
        if availWidth == self._measured:
            return self.width, self.height
        self._measured = availWidth
        style = self.style
        room = availWidth - style.leftIndent - style.rightIndent
        if self._width <= room and "\n" not in self.text:
            self._lines = [self.text]
        elif self._plain:
            self._lines = [line for _space, line in
                           wordSplit(self.text, [room], style.fontName, style.fontSize)]
        else:
            self._lines = None
            self.width, self.height = self._para().wrap(availWidth, availHeight)
            return self.width, self.height
        self.width, self.height = availWidth, len(self._lines) * style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        """The Paragraph's parts, for a table row taller than a page; a single line does not
        split. reportlab asks at the column's width, padding included: the lines already
        measured (inside the padding) are the ones to split."""
        if self._measured is None:
            self.wrap(availWidth, availHeight)
        if self._lines is not None and len(self._lines) == 1:
            return []
        paragraph = self._para()
        if self._lines is not None:  # the lines were measured without the Paragraph
            paragraph.wrap(self._measured, availHeight)
        parts = paragraph.split(self._measured, availHeight)
        if len(parts) != 2:
            # a failed split drops the Paragraph's lines: measure afresh before drawing
            self._measured = None
            return []
        return parts

    def minWidth(self):  # noqa: N802 (reportlab's name)
        return self._para().minWidth()

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 (reportlab's name)
        if self._lines is None:
            self._para().drawOn(canvas, x, y, _sW)
            return
        super().drawOn(canvas, x, y, _sW)

    def draw(self):
        style, canvas = self.style, self.canv
        canvas.setFillColor(style.textColor)
        # where a Paragraph puts its first baseline
        baseline = self.height - style.fontSize
        if len(self._lines) > 1:
            # one text object of lines a leading apart, as a left-aligned Paragraph draws
            text = canvas.beginText(style.leftIndent, baseline)
            text.setFont(style.fontName, style.fontSize, style.leading)
            for line in self._lines:
                text.textLine(line)
            canvas.drawText(text)
            return
        canvas.setFont(style.fontName, style.fontSize)
        if style.alignment == TA_CENTER:
            canvas.drawCentredString(self.width / 2, baseline, self.text)
        elif style.alignment == TA_RIGHT:
            canvas.drawRightString(self.width - style.rightIndent, baseline, self.text)
        else:
            canvas.drawString(style.leftIndent, baseline, self.text)
