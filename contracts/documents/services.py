"""Documents of providers, procurements and contracts: checked, stored, served, deleted.

Files are checked and stored by ``app.uploads`` (area ``documents``) and served only through
:func:`get_visible_document`, which checks that the user may see the owner.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import uploads
from app.errors import NotFound
from app.extensions import db
from app.scoping import one_visible
from app.users.models import Role, User
from contracts.documents.models import OWNER_COLUMNS, Document, DocumentOwner
from contracts.models import Contract, Procurement, Provider
from contracts.visibility import (
    get_visible_contract,
    get_visible_procurement,
    get_visible_provider,
)

WRITERS = frozenset({Role.OFFICER, Role.ADMIN})


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
    document = one_visible(sa.select(Document), Document.id, document_id)
    get_owner(user, document.owner_type, document.owner_id)
    return document


# ---- storage ------------------------------------------------------------------------------

AREA = "documents"


def document_path(document: Document) -> Path:
    return uploads.path_of(AREA, document.stored_name)


def upload_document(owner: Provider | Procurement | Contract, *, filename: str | None,
                    data: bytes, uploader: User | None = None) -> Document:
    """Check ``data``, store it under a random name and record it against ``owner``."""
    name = uploads.clean_filename(filename)
    content_type = uploads.check_file(name, data)
    stored_name = uploads.store(AREA, data)
    document = Document(filename=name, stored_name=stored_name, content_type=content_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        uploaded_by=uploader)
    setattr(document, OWNER_COLUMNS[owner_type_of(owner)], owner.id)
    db.session.add(document)
    db.session.flush()
    return document


def delete_document(document: Document) -> None:
    """Remove the row now and its file once the deletion is committed."""
    db.session.delete(document)
    db.session.flush()
    uploads.discard(AREA, document.stored_name)
