"""Uploaded files, one home for every feature: checked by their content, stored outside the
static folder under ``UPLOAD_DIR/<area>/`` with a random name, removed again if the transaction
that recorded them rolls back (and only after the commit that deletes them), and sent only by a
view that has already checked that the user may see the row they belong to.

A file is accepted only when its CONTENT is a PDF, a JPEG or PNG image or an Office file and its
extension says the same thing (a ``.pdf`` holding a PNG or a script is refused).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO

from flask import Response, current_app, send_file
from flask_babel import gettext as _

from app.errors import NotFound, ValidationError
from app.unit_of_work import after_commit, remove_on_rollback

MAX_BYTES = 20 * 1024 * 1024
#: the process's umask, read once at import (reading it means setting it)
_UMASK = os.umask(0o022)
os.umask(_UMASK)

# ---- what a file is, by its content -------------------------------------------------------

PDF, PNG, JPEG, DOCX, XLSX, PPTX, OLE2 = "pdf", "png", "jpeg", "docx", "xlsx", "pptx", "ole2"

#: extension → (content kinds it may hold, media type sent on download)
EXTENSIONS: dict[str, tuple[frozenset[str], str]] = {
    ".pdf": (frozenset({PDF}), "application/pdf"),
    ".png": (frozenset({PNG}), "image/png"),
    ".jpg": (frozenset({JPEG}), "image/jpeg"),
    ".jpeg": (frozenset({JPEG}), "image/jpeg"),
    ".docx": (frozenset({DOCX}), "application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document"),
    ".xlsx": (frozenset({XLSX}), "application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet"),
    ".pptx": (frozenset({PPTX}), "application/vnd.openxmlformats-officedocument."
                                 "presentationml.presentation"),
    ".doc": (frozenset({OLE2}), "application/msword"),
    ".xls": (frozenset({OLE2}), "application/vnd.ms-excel"),
}
ACCEPT = ",".join(EXTENSIONS)  # for <input type=file accept=...>

_KIND_NAMES = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "Word (.docx)",
               XLSX: "Excel (.xlsx)", PPTX: "PowerPoint (.pptx)",
               OLE2: "Office 97–2003 (.doc/.xls)"}
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def _sniff_ooxml(data: bytes) -> str | None:
    """An Office Open XML package: a zip with [Content_Types].xml and its main part's folder.

    Macro-enabled packages (docm, xlsm, pptm renamed) are not Office documents we accept."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return None
            if b"macroEnabled" in archive.read(info):
                return None
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    found = {kind for prefix, kind in _OOXML_PARTS.items()
             if any(name.startswith(prefix) for name in names)}
    return found.pop() if len(found) == 1 else None


def sniff(data: bytes) -> str | None:
    """The kind of content in ``data`` (``"pdf"``, ``"png"``, ...), ``None`` if none we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE2
    if data.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(data)
    return None


def clean_filename(name: str | None) -> str:
    """The last path component, without control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 16 else name[:255]
    return name


def check_file(filename: str, data: bytes) -> str:
    """The media type of an acceptable file; ``ValidationError`` on ``file`` otherwise."""
    def refuse(message: str) -> ValidationError:
        return ValidationError(message, {"file": [message]})

    if not filename:
        raise refuse(_("Choose a file to upload."))
    if len(data) > MAX_BYTES:
        raise refuse(_("The file is larger than %(limit)d MB.", limit=MAX_BYTES // 2**20))
    if not data:
        raise refuse(_("The file is empty."))
    extension = Path(filename).suffix.lower()
    if extension not in EXTENSIONS:
        raise refuse(_("Upload a PDF, a JPEG or PNG image, or an Office file "
                       "(.docx, .xlsx, .pptx, .doc, .xls)."))
    allowed, content_type = EXTENSIONS[extension]
    kind = sniff(data)
    if kind is None:
        raise refuse(_("The content of %(name)s is not a PDF, an image or an Office "
                       "document; it was not stored.", name=filename))
    if kind not in allowed:
        raise refuse(_("%(name)s holds a %(kind)s file, which does not match its extension "
                       "%(extension)s; it was not stored.",
                       name=filename, kind=_KIND_NAMES[kind], extension=extension))
    return content_type


def read_upload(stream: IO[bytes]) -> bytes:
    """At most one byte more than the limit, so that an oversize file is known as such
    without reading all of it."""
    return stream.read(MAX_BYTES + 1)


# ---- where files live ------------------------------------------------------------------------

def folder(area: str) -> Path:
    """The folder of one kind of upload (``documents``, ``photos`` ...), created on first use."""
    path = Path(current_app.config["UPLOAD_DIR"]) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(area: str, stored_name: str) -> Path:
    return folder(area) / stored_name


def store(area: str, data: bytes, *, suffix: str = "", name: str | None = None) -> str:
    """Write ``data`` under a new random name (or ``name``, derived from one: a thumbnail);
    the file goes again if the transaction rolls back. Returns the stored name."""
    stored_name = name or f"{uuid.uuid4().hex}{suffix}"
    path = path_of(area, stored_name)
    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except OSError:
        path.unlink(missing_ok=True)
        raise
    remove_on_rollback(path)
    return stored_name


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A file beside ``path`` to write, put in its place once written: ``path`` is there whole
    or not at all, and a write that fails part-way (a full disk) leaves no half file behind.

    The file beside it has a name of its own: two writers of one file at once (two worker
    processes, a command-line build beside a queued one) shared ``<name>.part``, the second
    truncating the first's, and one renamed the mixture into place while the other failed."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    part = Path(name)
    try:
        # mkstemp makes it private; the file in place reads as any other the process writes
        os.chmod(part, 0o666 & ~_UMASK)
        yield part
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def remove_stale_parts(area: str, older_than: timedelta) -> int:
    """Remove the files :func:`written_whole` left in ``area`` when a writer was killed
    part-way and unmodified for ``older_than`` (wall-clock time, as the disk keeps it);
    their names are their own, so no later write replaces them. Returns how many."""
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for part in folder(area).glob(".*.part"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
                removed += 1
        except FileNotFoundError:  # its writer finished or gave up meanwhile
            continue
    return removed


def copy(area: str, stored_name: str) -> str:
    """A copy of a stored file under a new random name (same suffix); a missing source gives
    a name with no file, as the original had none."""
    new_name = f"{uuid.uuid4().hex}{Path(stored_name).suffix}"
    source = path_of(area, stored_name)
    if source.exists():
        remove_on_rollback(path_of(area, new_name))
        shutil.copyfile(source, path_of(area, new_name))
    return new_name


def discard(area: str, *stored_names: str) -> None:
    """Remove files once the deletion of their rows is committed (never before: a rollback
    would leave rows without files)."""
    paths = [path_of(area, name) for name in stored_names]
    after_commit(lambda: [path.unlink(missing_ok=True) for path in paths])


def send(area: str, stored_name: str, *, mimetype: str, download_name: str | None = None,
         inline: bool = False, max_age: int = 0) -> Response:
    """The stored file, never sniffed by the browser and never kept by a shared cache.

    Call only after checking that the user may see the row the file belongs to."""
    path = path_of(area, stored_name)
    if not path.is_file():
        raise NotFound(_("Not found."))
    # read whole (uploads are at most MAX_BYTES): no file handle outlives the request
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=mimetype,
                         as_attachment=not inline, download_name=download_name or stored_name,
                         max_age=max_age)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = (f"private, max-age={max_age}" if max_age
                                         else "private, no-store")
    return response
