"""PDF builders (reportlab platypus): plain data in, bytes out. The views only send them."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from functools import cache

from flask_babel import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.template_helpers import yuan
from evaluations.assessment.bands import grade_label
from reports.performance.explain import figure_lines, veto_lines, veto_notice
from reports.scorecards.cells import Cell
from reports.scorecards.charts import section_bars, trend_line
from reports.scorecards.data import AppealLine, ScorecardData
from reports.scorecards.markup import para_text
from reports.scorecards.qr import verification_qr
from reports.scorecards.thumbnails import Thumbnail

# Binary streams, not ASCII85: smaller files, and reportlab's ASCII85 encoder runs in pure
# Python without its C accelerator (about 20 ms per scorecard with photos, measured).
rl_config.useA85 = 0


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate at zlib's fastest level. Compressing the page streams and the embedded font
    subsets at the default level 6 took 3.4 ms of every scorecard; level 1 saves about 2 ms
    of that for files about 5 % larger (measured). The streams stay standard FlateDecode."""

    def encode(self, text):
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 1)


# reportlab looks its one Flate filter up by this name whenever it writes a stream: like the
# setting above, this holds for every PDF the process makes
pdfdoc.PDFZCompress = _FastFlate()

GRADE_COLOURS = {
    "excellent": colors.HexColor("#198754"),
    "good": colors.HexColor("#0d6efd"),
    "pass": colors.HexColor("#fd7e14"),
    "fail": colors.HexColor("#dc3545"),
}
GRID = colors.HexColor("#dee2e6")
HEAD = colors.HexColor("#f1f3f5")
#: the least height of a row's part left at the foot of a page (two lines of body text)
MIN_ROW_SPLIT = 24
PHOTOS_PER_ROW = 4


def money(value) -> str:
    """Yuan as printed: ¥946,500.00 (— for none)."""
    return "—" if value is None else yuan(value)


def _appeal_notes(appeals: list[AppealLine], s: _Styles) -> list:
    """The appeals section: open ones in the alert colour, resolved ones plain."""
    if not appeals:
        return []
    return [Cell(_("Appeals"), s.h2)] + [
        Cell(line.text, s.alert if line.open else s.body) for line in appeals]


class _Styles:
    def __init__(self, font: str):
        base = dict(fontName=font, wordWrap="CJK")
        self.title = ParagraphStyle("title", fontSize=18, leading=24, spaceAfter=6, **base)
        self.h2 = ParagraphStyle("h2", fontSize=12, leading=16, spaceBefore=10, spaceAfter=4,
                                 keepWithNext=1, **base)
        self.body = ParagraphStyle("body", fontSize=9, leading=12, **base)
        self.small = ParagraphStyle("small", fontSize=7.5, leading=9.5, **base)
        self.big = ParagraphStyle("big", fontSize=30, leading=36, alignment=TA_CENTER, **base)
        self.grade = ParagraphStyle("grade", fontSize=20, leading=26, alignment=TA_CENTER,
                                    textColor=colors.white, **base)
        self.alert = ParagraphStyle("alert", fontSize=10, leading=13,
                                    textColor=GRADE_COLOURS["fail"], **base)


@cache
def _styles(font: str) -> _Styles:
    """The styles of a font, built once per process (reportlab never changes a style)."""
    return _Styles(font)


def _numbered_canvas(footer: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that knows the page count, for "page n of m" footers."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                footer(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _splittable(value: object) -> object:
    """A cell a row split can carry over: reportlab splits a list of flowables or a string,
    and would drop any other value from both halves of a split row."""
    if isinstance(value, Flowable):
        return [value]
    return value if isinstance(value, (list, str)) else str(value)


def _table(rows: list[list], widths: list[float], font: str, header: bool = True) -> Table:
    # A long note or finding makes a row taller than a page: without splitting inside the row
    # reportlab cannot lay it out (LayoutError), and an official scorecard must print it whole.
    table = Table([[_splittable(cell) for cell in row] for row in rows], colWidths=widths,
                  repeatRows=1 if header else 0, splitInRow=MIN_ROW_SPLIT)
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
             ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD))
    table.setStyle(TableStyle(style))
    return table


def _integrity_footnotes(notes: list[str], s: _Styles) -> list:
    """The photos' integrity signs, as footnotes to their marked captions."""
    if not notes:
        return []
    intro = _("A flag is a reason to look, not a verdict: a camera clock may be wrong, a "
              "position may be missing or imprecise, and a home may be photographed twice "
              "for good reason.")
    return [Spacer(1, 6), Cell(_("Evidence integrity"), s.h2), Cell(intro, s.small)] + [
        Cell(note, s.small) for note in notes]


def _signature_table(data: ScorecardData, font: str, s: _Styles) -> Table:
    """Two signature boxes: the drawn signature with its signer and time where there is one,
    else the empty lines to sign on paper."""
    cells, dates = [], []
    for role, label in (("inspector", _("Inspector's signature")),
                        ("representative", _("Provider's signature"))):
        signed = data.signatures.get(role)
        if signed is None:
            cells += [label, ""]
            dates += [_("Date"), ""]
            continue
        ratio = signed.height / signed.width if signed.width else 0.3
        width = min(5.2 * cm, 1.5 * cm / ratio) if ratio else 5.2 * cm
        cells += [label, Image(str(signed.path), width=width, height=width * ratio)]
        dates += [_("Date"), Cell(f"{signed.name} · {signed.signed_at}", s.small)]
    table = Table([cells, dates], colWidths=[3.2 * cm, 5.4 * cm, 3.2 * cm, 5.4 * cm],
                  rowHeights=[1.7 * cm if data.signatures else 1.1 * cm, 0.8 * cm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                               ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                               ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return table


def inspection_scorecard(data: ScorecardData, *, font: str, bureau: str,
                         verify_url: str) -> bytes:
    s = _styles(font)
    # its texts are Cells, not Paragraphs: the same lines, without parsing them (cells.py)
    story: list = [Cell(f"{data.title} · {bureau}", s.title)]
    if data.superseded:
        story.append(Cell(_("This inspection was superseded by a correction; it is not "
                            "the current version."), s.alert))
    elif data.being_corrected:
        story.append(Cell(_("A correction of this inspection is under way: this "
                            "result stands until the correction is finalized."), s.alert))
    if any(line.open for line in data.appeals):
        story.append(Cell(_("Under appeal: this result may still change."), s.alert))
    info = [[_("Subject"), Cell(data.subject, s.body)],
            [_("Provider"), Cell(data.provider, s.body)],
            [_("Template"), Cell(data.template, s.body)],
            [_("Inspector"), Cell(data.inspector, s.body)],
            [_("Date"), data.date.isoformat()]]
    colour = GRADE_COLOURS.get(data.grade or "", colors.grey)
    total = "—" if data.total is None else f"{data.total}"
    score_box = Table([[Cell(total, s.big)], [Cell(data.grade_text, s.grade)]],
                      colWidths=[5 * cm], rowHeights=[1.5 * cm, 1.1 * cm])
    score_box.setStyle(TableStyle([("BACKGROUND", (0, 1), (0, 1), colour),
                                   ("BOX", (0, 0), (-1, -1), 1, colour),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    header = Table([[_table(info, [2.3 * cm, 9.2 * cm], font, header=False), score_box]],
                   colWidths=[11.7 * cm, 5.5 * cm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 8)]

    def fmt(value) -> str:
        return "—" if value is None else f"{value.normalize():f}" if value == value.to_integral() \
            else f"{value}"

    rows = [[_("Section"), _("Weight"), _("Score"), _("City mean")]]
    rows += [[Cell(x.name, s.body), fmt(x.weight), fmt(x.score), fmt(x.city_mean)]
             for x in data.sections]
    story += [Cell(_("Sections"), s.h2),
              _table(rows, [9.2 * cm, 2.6 * cm, 2.6 * cm, 2.8 * cm], font)]
    for line in data.held_back:
        story.append(Cell(_("Held back by a section floor: %(why)s", why=line), s.small))
    story.append(section_bars(
        [x.name for x in data.sections],
        [float(x.score) if x.score is not None else None for x in data.sections],
        [float(x.city_mean) if x.city_mean is not None else None for x in data.sections],
        font=font, legend=(_("This inspection"), _("City mean"))))

    if data.failed_critical:
        story.append(Cell(_("Failed critical (veto) items"), s.h2))
        rows = [[_("Item"), _("Answer"), _("Note")]]
        rows += [[Cell(f"{x.section} · {x.text}", s.body), x.earned, Cell(x.note, s.small)]
                 for x in data.failed_critical]
        story.append(_table(rows, [9.7 * cm, 2.0 * cm, 5.5 * cm], font))
    if data.below_max:
        story.append(Cell(_("Items below their maximum"), s.h2))
        rows = [[_("Item"), _("Points"), _("Max"), _("Note")]]
        rows += [[Cell(f"{x.section} · {x.text}", s.body), x.earned, f"{x.max_points}",
                  Cell(x.note, s.small)] for x in data.below_max]
        story.append(_table(rows, [9.2 * cm, 1.6 * cm, 1.4 * cm, 5.0 * cm], font))
    story += _appeal_notes(data.appeals, s)
    if data.actions:
        story.append(Cell(_("Corrective actions"), s.h2))
        rows = [[_("Finding"), _("Owner"), _("Deadline"), _("Severity")]]
        rows += [[Cell(a.description, s.body), Cell(a.owner, s.small), a.deadline.isoformat(),
                  a.severity] for a in data.actions]
        story.append(_table(rows, [8.7 * cm, 4.0 * cm, 2.5 * cm, 2.0 * cm], font))
    if data.photos:
        story.append(Cell(_("Photo evidence"), s.h2))
        # one flat table: a row of thumbnails, then a row of their captions, and so on
        rows = []
        for i in range(0, len(data.photos), PHOTOS_PER_ROW):
            chunk = data.photos[i:i + PHOTOS_PER_ROW]
            pad = [""] * (PHOTOS_PER_ROW - len(chunk))
            rows.append([Thumbnail(p.path, p.width, p.height) for p in chunk] + pad)
            rows.append([Cell(p.caption, s.small) for p in chunk] + pad)
        grid = Table(rows, colWidths=[4.3 * cm] * PHOTOS_PER_ROW)
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(grid)
    story += _integrity_footnotes(data.integrity_notes, s)
    signatures = _signature_table(data, font, s)
    story += [Spacer(1, 14), KeepTogether(signatures)]
    story.append(_verification_block(verify_url, data.verification_code, s))

    name = f"{data.title} #{data.inspection_id}"
    return _build_pdf(story, font, title=name, names=name, code=data.verification_code,
                      verify_url=verify_url)


def _build_pdf(story: list, font: str, *, title: str, names: str, code: str,
               verify_url: str) -> bytes:
    """An A4 scorecard of ``story``, ``title`` and verification ``code`` in the document's
    properties; every page's footer ``names`` it, with the code, beside "page n of m"."""
    footer_text = f"CareProcure · {names} · {_('Verification code')} {code} · {verify_url}"

    def footer(canvas: Canvas, page: int, pages: int) -> None:
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(1.8 * cm, 1.1 * cm, footer_text)
        canvas.drawRightString(A4[0] - 1.8 * cm, 1.1 * cm,
                               _("Page %(page)d of %(pages)d", page=page, pages=pages))

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm,
                      topMargin=1.6 * cm, bottomMargin=1.8 * cm, title=title, subject=code,
                      author="CareProcure").build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def _verification_block(url: str, code: str, s: _Styles) -> KeepTogether:
    """The QR code of the verification URL beside the words a reader needs without a phone."""
    text = Cell(_("Scan to verify this scorecard, or open %(url)s and enter the "
                  "verification code %(code)s.", url=url, code=code), s.small)
    table = Table([[verification_qr(url), text]], colWidths=[3.0 * cm, 14.2 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return KeepTogether([Spacer(1, 10), table])


def _decision_rows(decision, pending: bool, s: _Styles) -> list[list]:
    if decision is None:
        return [[_("Decision"), _("Not decided yet")]]
    choice = {"pay": _("Pay what the grade allows"), "reduce": _("Reduce"),
              "withhold": _("Withhold")}[decision.decision.value]
    if pending:
        choice += " · " + _("pending: an appeal is open")
    return [[_("Decision"), Paragraph(para_text(choice), s.alert if pending else s.body)],
            [_("Amount to pay"), money(decision.amount)],
            [_("Renewal"), _("Renew") if decision.renew else _("Do not renew")],
            [_("Comment"), Paragraph(para_text(decision.comment), s.body)]]


def performance_scorecard(*, contract, performance, trend, decision, font: str, bureau: str,
                          code: str, verify_url: str, pending: bool = False,
                          appeals: list[AppealLine] = ()) -> bytes:
    """The contract's performance for a period: the veto first, if any; components and the
    figures counted; composite, grade, payment; appeals; a verification code."""
    s = _styles(font)
    title = _("Contract performance scorecard")
    story: list = [Paragraph(para_text(f"{title} · {bureau}"), s.title)]
    p = performance

    def num(value) -> str:
        return "—" if value is None else f"{value}"

    if notice := veto_notice(p):
        story += [Paragraph(para_text(notice), s.alert)] + [Paragraph(para_text("· " + line), s.body)
                                                 for line in veto_lines(p)]
    if any(line.open for line in appeals):
        story.append(Paragraph(para_text(_("Under appeal: these figures may still change.")), s.alert))
    if p.not_started:
        story.append(Paragraph(para_text(_("This period has not begun; nothing is measured yet.")),
                               s.alert))
    info = [[_("Contract"), Paragraph(para_text(f"{contract.number} {contract.title}"), s.body)],
            [_("Provider"), Paragraph(para_text(contract.provider.name), s.body)],
            [_("Period"), f"{p.period} ({p.details['window'][0]} – {p.details['window'][1]})"],
            [_("Amount"), money(contract.amount)],
            [_("Verification code"), code]]
    colour = GRADE_COLOURS.get(p.grade or "", colors.grey)
    composite = p.rounded("composite")
    score_box = Table([[Paragraph(para_text(num(composite)), s.big)],
                       [Paragraph(para_text(grade_label(p.grade)), s.grade)]],
                      colWidths=[5 * cm], rowHeights=[1.5 * cm, 1.1 * cm])
    score_box.setStyle(TableStyle([("BACKGROUND", (0, 1), (0, 1), colour),
                                   ("BOX", (0, 0), (-1, -1), 1, colour),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    header = Table([[_table(info, [2.6 * cm, 8.9 * cm], font, header=False), score_box]],
                   colWidths=[11.7 * cm, 5.5 * cm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 8), Paragraph(para_text(_("Components")), s.h2)]
    weights = contract.weights or {}
    labels = {"inspection": _("Inspections"), "timeliness": _("Timeliness of reports"),
              "targets": _("Target attainment")}
    figures = figure_lines(p)
    rows = [[_("Component"), _("Weight"), _("Score")]]
    rows += [[[Paragraph(para_text(labels[name]), s.body)]
              + [Paragraph(para_text(line), s.small) for line in figures[name]],
              f"{weights.get(name, 0)}", num(p.rounded(name))]
             for name in ("inspection", "timeliness", "targets")]
    rows.append([_("Composite"), "", num(composite)])
    story.append(_table(rows, [11.2 * cm, 2.0 * cm, 4.0 * cm], font))
    story.append(Paragraph(para_text(_("Trend by quarter")), s.h2))
    story.append(trend_line([q.period for q in trend],
                            [float(q.composite) if q.composite is not None else None
                             for q in trend], font=font))
    story.append(Paragraph(para_text(_("Payment")), s.h2))
    pay = [[_("Performance-linked installment"), money(p.linked_amount)],
           [_("Share allowed by the grade"),
            "—" if p.payment_share is None else f"{p.payment_share:.0f} %"],
           [_("Amount the grade allows"), money(p.payable_amount)]]
    pay += _decision_rows(decision, pending, s)
    story.append(_table(pay, [7 * cm, 10.2 * cm], font, header=False))
    story += _appeal_notes(list(appeals), s)
    signatures = Table([[_("Procurement officer"), "", _("Date"), ""]],
                       colWidths=[3.2 * cm, 5.4 * cm, 3.2 * cm, 5.4 * cm],
                       rowHeights=[1.2 * cm])
    signatures.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                                    ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                                    ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
                                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story += [Spacer(1, 14), KeepTogether(signatures), _verification_block(verify_url, code, s)]
    return _build_pdf(story, font, title=f"{title} {contract.number} {p.period}",
                      names=f"{contract.number} · {p.period}", code=code, verify_url=verify_url)
