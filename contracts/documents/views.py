"""Upload, download and delete the documents of providers, procurements and contracts.

The pages of those objects include ``contracts/_documents.html``; its forms post here and come
back to the page (``next``) with a message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import uploads
from app.auth.login import role_required
from app.errors import ValidationError
from app.users.models import Role
from contracts import bp
from contracts.documents import services as documents


def _back() -> str:
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.app_context_processor
def _document_helpers() -> dict:
    return {"documents_of": documents.documents_of, "may_write_documents": documents.may_write,
            "DOCUMENT_ACCEPT": uploads.ACCEPT}


@bp.post("/documents/<owner_type>/<int:owner_id>")
@role_required(Role.OFFICER, Role.ADMIN)
def upload_document(owner_type: str, owner_id: int):
    owner = documents.get_owner(current_user, owner_type, owner_id)
    upload = request.files.get("file")
    try:
        document = documents.upload_document(
            owner, filename=upload.filename if upload else "",
            data=uploads.read_upload(upload.stream) if upload else b"", uploader=current_user)
    except ValidationError as error:
        flash(error.message, "danger")
    else:
        flash(_("%(name)s was uploaded.", name=document.filename), "success")
    return redirect(_back(), 303)


@bp.get("/documents/<int:document_id>")
@login_required
def download_document(document_id: int):
    document = documents.get_visible_document(current_user, document_id)
    return uploads.send(documents.AREA, document.stored_name, mimetype=document.content_type,
                        download_name=document.filename)


@bp.post("/documents/<int:document_id>/delete")
@role_required(Role.OFFICER, Role.ADMIN)
def delete_document(document_id: int):
    document = documents.get_visible_document(current_user, document_id)
    name = document.filename
    documents.delete_document(document, actor=current_user)
    flash(_("%(name)s was deleted.", name=name), "success")
    return redirect(_back(), 303)
