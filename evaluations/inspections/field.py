"""The field form's own door: JSON for its script (state, per-item saves, photo, signature and
delete queues) with the session and its CSRF token, and the service worker that keeps the form
usable offline.

The same services as the JSON API (``inspections.sync``, ``photos``, ``signatures``); refusals
answer in the API's error shape so that the script can tell a retry (network, 5xx) from a
refusal that no retry will change (4xx). Visibility as everywhere: a hidden inspection is a 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.errors import error_body, error_response
from app.auth.login import role_required
from app.error_pages import handle_http_exception
from app.errors import DomainError, ValidationError
from app.users.models import Role
from evaluations import bp
from evaluations.inspections import integrity, photos, services, signatures
from evaluations.inspections.api import answer_dict, conflict_dict
from evaluations.inspections.models import EvidencePhoto, Inspection, InspectionSignature

#: the service worker controls every page of the site, so that the inspector's home, the
#: list and the forms all open offline; it caches only what the inspector's pages ask for
SW_SCOPE = "/"
#: the endpoints the script uploads files to
_UPLOADS = frozenset({"evaluations.field_photo", "evaluations.field_signature"})


def photo_json(inspection: Inspection, photo: EvidencePhoto,
               signs: dict[int, integrity.PhotoIntegrity] | None = None) -> dict:
    """``flags``: the photo's integrity signs in words, shown beside it by the script."""
    if signs is None:
        signs = integrity.for_inspection(inspection, current_user)
    return {"id": photo.id, "item_id": photo.item_id, "client_id": photo.client_id,
            "url": url_for("evaluations.inspection_photo", inspection_id=inspection.id,
                           photo_id=photo.id),
            "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
            "flags": integrity.sign_texts(signs[photo.id])}


def signature_json(inspection: Inspection, signature: InspectionSignature) -> dict:
    return {"role": signature.role.value, "signer_name": signature.signer_name,
            "signed_at": signature.signed_at.isoformat(), "client_id": signature.client_id,
            "url": url_for("evaluations.inspection_signature", inspection_id=inspection.id,
                           role=signature.role.value, v=signature.id)}


def field_state(inspection: Inspection) -> dict:
    """What the form's script needs to reconcile its device copy with the server."""
    signs = integrity.for_inspection(inspection, current_user)
    return {
        "id": inspection.id, "version": inspection.version,
        "status": inspection.status.value, "editable": inspection.is_editable,
        "answers": [answer_dict(a) for a in sorted(inspection.answers, key=lambda a: a.item_id)],
        "photos": [photo_json(inspection, p, signs) for p in inspection.photos],
        "signatures": [signature_json(inspection, s) for s in inspection.signatures],
        "csrf_token": generate_csrf(),
    }


def _refused(error: DomainError):
    return error_response(error)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    """An upload above ``MAX_CONTENT_LENGTH`` to the script's doors in the error shape (met
    when the CSRF check reads the form, before the view): as the HTML error page, the script
    took it for the login page, said "sign in again" and stopped syncing for good, the device
    sending the same file again after every reload. Other pages keep the HTML page."""
    if request.endpoint not in _UPLOADS:
        return handle_http_exception(error)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"
    message = _("The file is too large to upload (at most %(size)s).", size=size)
    return jsonify(error_body(413, message, {"file": [message]})), 413


@bp.route("/inspections/<int:inspection_id>/field/state")
@role_required(Role.INSPECTOR)
def field_state_view(inspection_id: int):
    try:
        inspection = services.get_visible_inspection(current_user, inspection_id)
    except DomainError as error:
        return _refused(error)
    response = jsonify(field_state(inspection))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/inspections/<int:inspection_id>/field/answers", methods=["POST"])
@role_required(Role.INSPECTOR)
def field_answers(inspection_id: int):
    """Per-item changes (``{"answers": [{..., "base_version"}]}``) merged by the server's rule."""
    body = request.get_json(silent=True)
    try:
        inspection = services.get_visible_inspection(current_user, inspection_id)
        if not isinstance(body, dict) or not isinstance(body.get("answers"), list):
            raise ValidationError("answers: a list is required.",
                                  {"answers": ["a list is required"]})
        conflicts = services.save_changes(inspection, answers=body["answers"],
                                          actor=current_user)
    except DomainError as error:
        return _refused(error)
    return jsonify(field_state(inspection) | {"conflicts": [conflict_dict(c)
                                                           for c in conflicts]})


@bp.route("/inspections/<int:inspection_id>/field/photos", methods=["POST"])
@role_required(Role.INSPECTOR)
def field_photo(inspection_id: int):
    try:
        inspection = services.get_visible_inspection(current_user, inspection_id)
        photo = photos.add_photo(inspection, request.form.get("item_id"),
                                 request.files.get("file"), current_user,
                                 client_id=request.form.get("client_id"))
    except DomainError as error:
        return _refused(error)
    return jsonify(photo_json(inspection, photo)), 201


@bp.route("/inspections/<int:inspection_id>/field/photos/<int:photo_id>/delete",
          methods=["POST"])
@role_required(Role.INSPECTOR)
def field_photo_delete(inspection_id: int, photo_id: int):
    """Remove one photo; the answers on the device and on the server stay as they are."""
    try:
        inspection = services.get_visible_inspection(current_user, inspection_id)
        photos.delete_photo(photos.get_photo(inspection, photo_id), current_user)
    except DomainError as error:
        return _refused(error)
    return jsonify({"deleted": photo_id, "version": inspection.version})


@bp.route("/inspections/<int:inspection_id>/field/signatures", methods=["POST"])
@role_required(Role.INSPECTOR)
def field_signature(inspection_id: int):
    form = request.form
    try:
        inspection = services.get_visible_inspection(current_user, inspection_id)
        signature = signatures.add_signature(
            inspection, role=form.get("role"), signer_name=form.get("signer_name"),
            signed_at=form.get("signed_at"), file_storage=request.files.get("file"),
            actor=current_user, client_id=form.get("client_id"))
    except DomainError as error:
        return _refused(error)
    return jsonify(signature_json(inspection, signature)), 201


@bp.route("/inspections/<int:inspection_id>/signatures/<role>")
@role_required(*tuple(Role))
def inspection_signature(inspection_id: int, role: str):
    inspection = services.get_visible_inspection(current_user, inspection_id)
    return signatures.signature_response(signatures.get_signature(inspection, role))


@bp.after_app_request
def _mark_offline_pages(response):
    """An inspector's pages say whose they are: the service worker keeps a page for offline
    use only when it belongs to the inspector the device works for."""
    if (response.mimetype == "text/html" and current_user
            and current_user.is_authenticated and current_user.role is Role.INSPECTOR):
        response.headers["X-Offline-Owner"] = str(current_user.id)
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker script, allowed to control the whole site (see ``SW_SCOPE``)."""
    script = Path(current_app.static_folder, "field", "sw.js").read_bytes()
    return Response(script, mimetype="text/javascript",
                    headers={"Service-Worker-Allowed": SW_SCOPE, "Cache-Control": "no-cache"})
