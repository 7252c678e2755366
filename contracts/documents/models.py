"""Documents attached to providers, procurements and contracts (DESIGN.md §6 "uploads").

The bytes live on disk under ``UPLOAD_DIR`` (outside the static folder) under a random name;
the row keeps what a user and an auditor need: the original name, size, type, checksum,
who uploaded it and what it belongs to. Exactly one owner column is set.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.db import TimestampMixin
from app.extensions import db
from app.users.models import User


class DocumentOwner(enum.StrEnum):
    PROVIDER = "provider"
    PROCUREMENT = "procurement"
    CONTRACT = "contract"


#: the owner column of each owner type
OWNER_COLUMNS = {DocumentOwner.PROVIDER: "provider_id",
                 DocumentOwner.PROCUREMENT: "procurement_id",
                 DocumentOwner.CONTRACT: "contract_id"}


class Document(TimestampMixin, db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN provider_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN procurement_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contract_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner"),
        sa.CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    procurement_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("procurements.id", ondelete="CASCADE"), index=True)
    contract_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    #: the name the file had on the uploader's computer (sent back on download)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: the random name of the file under UPLOAD_DIR/documents (a uuid4 in hex)
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: the media type established from the content, e.g. application/pdf
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: bytes
    size: so.Mapped[int]
    #: hex SHA-256 of the content
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: who uploaded it (kept empty if that user is ever deleted)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    uploaded_by: so.Mapped[User | None] = so.relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.filename}>"

    @property
    def owner_type(self) -> DocumentOwner:
        return next(kind for kind, column in OWNER_COLUMNS.items()
                    if getattr(self, column) is not None)

    @property
    def owner_id(self) -> int:
        return getattr(self, OWNER_COLUMNS[self.owner_type])
