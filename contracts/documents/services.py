"""Documents of providers, procurements and contracts: checked, stored, served, deleted.

A file is accepted only when its CONTENT is a PDF, a JPEG or PNG image or an Office file and
its extension says the same thing (a ``.pdf`` holding a PNG or a script is refused). The bytes
go to ``UPLOAD_DIR/documents/<uuid>`` — never under the static folder — and are served only
through :func:`get_visible_document`, which checks that the user may see the owner.

Operations flush, never commit. The file written by an upload is removed again if the
transaction rolls back; the file of a deleted document is removed only after the commit.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.errors import NotFound, ValidationError
from app.extensions import db
from app.unit_of_work import after_commit, remove_on_rollback
from app.users.models import Role, User
from contracts.documents.models import OWNER_COLUMNS, Document, DocumentOwner
from contracts.models import Contract, Procurement, Provider
from contracts.visibility import (
    get_visible_contract,
    get_visible_procurement,
    get_visible_provider,
)

__all__ = ["Document", "DocumentOwner", "MAX_BYTES", "check_file", "delete_document",
           "document_path", "documents_of", "documents_stmt", "get_owner", "get_visible_document",
           "may_write", "sniff", "upload_document"]

MAX_BYTES = 20 * 1024 * 1024
WRITERS = frozenset({Role.OFFICER, Role.ADMIN})

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


# ---- owners and visibility ----------------------------------------------------------------

_GETTERS = {DocumentOwner.PROVIDER: get_visible_provider,
            DocumentOwner.PROCUREMENT: get_visible_procurement,
            DocumentOwner.CONTRACT: get_visible_contract}
_MODELS = {Provider: DocumentOwner.PROVIDER, Procurement: DocumentOwner.PROCUREMENT,
           Contract: DocumentOwner.CONTRACT}


def owner_type_of(owner: Any) -> DocumentOwner:
    return _MODELS[type(owner)]


def get_owner(user: User, owner_type: str, owner_id: Any) -> Any:
    """The provider, procurement or contract, or ``NotFound`` if missing or hidden."""
    try:
        kind = DocumentOwner(owner_type)
    except ValueError:
        raise NotFound(_("Not found.")) from None
    return _GETTERS[kind](user, owner_id)


def may_write(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in WRITERS


def documents_stmt(owner: Any) -> sa.Select:
    """The documents of ``owner``, newest first."""
    column = getattr(Document, OWNER_COLUMNS[owner_type_of(owner)])
    return (sa.select(Document).where(column == owner.id)
            .order_by(Document.created_at.desc(), Document.id.desc()))


def documents_of(owner: Any) -> list[Document]:
    return list(db.session.scalars(documents_stmt(owner)))


def get_visible_document(user: User, document_id: Any) -> Document:
    """The document, or ``NotFound`` when it is missing or its owner is hidden from ``user``."""
    try:
        document = db.session.get(Document, int(document_id))
    except (TypeError, ValueError):
        document = None
    if document is None:
        raise NotFound(_("Not found."))
    get_owner(user, document.owner_type, document.owner_id)
    return document


# ---- storage ------------------------------------------------------------------------------

def _folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "documents"


def document_path(document: Document) -> Path:
    return _folder() / document.stored_name


def upload_document(owner: Provider | Procurement | Contract, *, filename: str | None,
                    data: bytes, uploader: User | None = None) -> Document:
    """Check ``data``, store it under a random name and record it against ``owner``."""
    name = clean_filename(filename)
    content_type = check_file(name, data)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    path = folder / stored_name
    with open(path, "xb") as handle:
        handle.write(data)
    remove_on_rollback(path)  # a file of a rolled-back upload must not stay behind
    document = Document(filename=name, stored_name=stored_name, content_type=content_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        uploaded_by=uploader)
    setattr(document, OWNER_COLUMNS[owner_type_of(owner)], owner.id)
    db.session.add(document)
    db.session.flush()
    return document


def delete_document(document: Document) -> None:
    """Remove the row now and its file once the deletion is committed."""
    path = document_path(document)
    db.session.delete(document)
    db.session.flush()
    after_commit(lambda: path.unlink(missing_ok=True))
