"""The region tree and its admin pages."""

from flask import Blueprint

bp = Blueprint("regions", __name__, template_folder="templates", url_prefix="/admin/regions")
