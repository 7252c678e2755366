"""``/api/v1/contracts/{id}/documents`` and ``/api/v1/documents/{id}/content``.

Anyone who may see the contract lists and downloads its documents; officers and admins upload
(multipart ``file``). A hidden contract is a 404, like a missing one.
"""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_smorest.fields import Upload

from app import uploads
from app.api import Blueprint
from app.api.auth import api_user, token_required
from app.api.schemas import PageArgs, page_schema, paginate
from app.users.models import Role
from contracts.documents import services as documents
from contracts.documents.models import Document
from contracts.visibility import get_visible_contract

blp = Blueprint("api_contract_documents", __name__, url_prefix="/api/v1",
                description="Documents attached to contracts")


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    owner_type = ma.fields.String()
    owner_id = ma.fields.Integer()
    uploaded_by = ma.fields.Function(lambda d: d.uploaded_by.name if d.uploaded_by else None)
    created_at = ma.fields.DateTime()
    download_url = ma.fields.Function(
        lambda d: url_for("api_contract_documents.DocumentContent", document_id=d.id))


class DocumentUploadSchema(ma.Schema):
    file = Upload(required=True, metadata={
        "description": "PDF, JPEG, PNG, docx, xlsx, pptx, doc or xls; at most 20 MB"})


@blp.route("/contracts/<int:contract_id>/documents")
class ContractDocuments(MethodView):
    @token_required()
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(DocumentSchema, "DocumentPage"))
    def get(self, args, contract_id):
        """The contract's documents, newest first."""
        contract = get_visible_contract(api_user(), contract_id)
        return paginate(documents.documents_stmt(contract), args["page"], args["per_page"])

    @token_required(Role.OFFICER, Role.ADMIN)
    @blp.arguments(DocumentUploadSchema, location="files")
    @blp.response(201, DocumentSchema)
    def post(self, files, contract_id):
        """Attach a file; its content must match its extension."""
        contract = get_visible_contract(api_user(), contract_id)
        upload = files["file"]
        return documents.upload_document(contract, filename=upload.filename,
                                         data=uploads.read_upload(upload.stream),
                                         uploader=api_user())


@blp.route("/documents/<int:document_id>/content")
class DocumentContent(MethodView):
    @token_required()
    @blp.response(200, content_type="application/octet-stream")
    def get(self, document_id):
        """The file, as an attachment under its original name."""
        document: Document = documents.get_visible_document(api_user(), document_id)
        return uploads.send(documents.AREA, document.stored_name, mimetype=document.content_type,
                            download_name=document.filename)
