"""The scorecard's QR code: reportlab's code, chosen and painted faster."""

import io
import re
import zlib

import numpy as np
import pytest
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.shapes import Rect
from reportlab.pdfgen.canvas import Canvas

import reports.scorecards.charts  # noqa: F401  (graphics set up as the PDFs use them)
from reports.scorecards.qr import _best_mask, lost_points, verification_qr

URLS = ["https://care.example.cn/verify/ABCD2345XY", "http://127.0.0.1:5000/verify/QWERTY2345",
        "https://care.example.cn/verify/" + "ZX" * 30, "https://care.example.cn/verify/PERF" * 6,
        "https://care.example.cn/verify/" + "LONG2345" * 20]


def _code(url):
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.version = code.calculate_version()
    return code


@pytest.mark.parametrize("url", URLS)
def test_every_mask_loses_the_points_reportlab_counts(url):
    code = _code(url)
    for mask in range(8):
        code.makeImpl(True, mask)
        assert lost_points(np.array(code.modules, dtype=bool)) == \
            qrencoder.QRUtil.getLostPoint(code), mask


@pytest.mark.parametrize("url", URLS)
def test_the_mask_chosen_is_reportlabs(url):
    assert _best_mask(_code(url)) == _code(url).getBestMaskPattern()


def test_the_printed_code_paints_every_square_in_one_path():
    drawing = verification_qr(URLS[0])
    squares = [r for r in drawing.contents[0].contents
               if isinstance(r, Rect) and r.fillColor is not None]
    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=1)
    drawing.drawOn(canvas, 100, 100)
    canvas.showPage()
    canvas.save()
    streams = re.findall(rb"stream\r?\n(.*?)endstream", out.getvalue(), re.S)
    content = b"".join(zlib.decompress(s) for s in streams if s[:1] == b"x")
    assert content.count(b" re") == len(squares) > 20
    assert content.count(b"\nf") + content.count(b" f\n") >= 1
