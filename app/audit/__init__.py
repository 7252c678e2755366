"""The audit trail: written once, on the session's flush, for every audited model."""

from flask import Blueprint

bp = Blueprint("audit", __name__, template_folder="templates", url_prefix="/admin/audit")
