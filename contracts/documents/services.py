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
from contracts.providers import check_provider_writer, may_change_provider
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


def may_write(user: Any, owner: Any = None) -> bool:
    """Officers and admins; a provider's documents only those who may change the provider
    (its certificates are part of it)."""
    if not (getattr(user, "is_authenticated", False) and user.role in WRITERS):
        return False
    return not isinstance(owner, Provider) or may_change_provider(user, owner)


def check_writer(user: User | None, owner: Any) -> None:
    """``Forbidden`` unless ``user`` (``None``: the system) may upload to or delete from the
    documents of ``owner``; officers and admins only, as the doors already ask."""
    if isinstance(owner, Provider):
        check_provider_writer(user, owner)


def owner_of(document: Document) -> Provider | Procurement | Contract:
    model = next(m for m, kind in _MODELS.items() if kind is document.owner_type)
    return db.session.get(model, document.owner_id)


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
    """Check ``data``, store it under a random name and record it against ``owner``;
    ``uploader`` must be allowed to (:func:`check_writer`)."""
    check_writer(uploader, owner)
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


def delete_document(document: Document, actor: User | None = None) -> None:
    """Remove the row now and its file once the deletion is committed; ``actor`` must be
    allowed to (:func:`check_writer`)."""
    check_writer(actor, owner_of(document))
    db.session.delete(document)
    db.session.flush()
    uploads.discard(AREA, document.stored_name)
