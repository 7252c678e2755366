"""Evidence photos for the tests: small JPEGs with the EXIF capture time and GPS position a
phone would write, and the upload object the services take."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage


def jpeg_bytes(*, size=(64, 48), taken: str | None = None, color=(200, 80, 40),
               gps: tuple[float, float] | None = None, pattern: int | None = None) -> bytes:
    """A small JPEG made with Pillow, with EXIF DateTimeOriginal ``taken`` and GPS position
    ``gps`` (latitude, longitude in degrees; south and west negative) if given. ``pattern``
    draws a picture of its own (blocks from that seed) over ``color``: plain pictures are
    featureless and never compared by perceptual hash."""
    image = Image.new("RGB", size, color)
    if pattern is not None:
        rng = random.Random(pattern)
        draw = ImageDraw.Draw(image)
        for _i in range(12):  # in fractions of the size: one picture at any size
            x, y, w, h = (rng.random(), rng.random(), rng.uniform(.06, .5), rng.uniform(.08, .5))
            draw.rectangle((x * size[0], y * size[1], (x + w) * size[0], (y + h) * size[1]),
                           fill=tuple(rng.randrange(256) for _c in "rgb"))
    out = io.BytesIO()
    if taken or gps:
        exif = Image.Exif()
        if taken:
            exif.get_ifd(0x8769)[0x9003] = taken
        if gps:
            block = exif.get_ifd(0x8825)
            for ref, tag, value, negative in ((1, 2, gps[0], "S"), (3, 4, gps[1], "W")):
                block[ref] = negative if value < 0 else ("N" if ref == 1 else "E")
                degrees = abs(value)
                minutes = (degrees - int(degrees)) * 60
                block[tag] = (float(int(degrees)), float(int(minutes)),
                              round((minutes - int(minutes)) * 60, 4))
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def photo_upload(data: bytes, name: str = "p.jpg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)
