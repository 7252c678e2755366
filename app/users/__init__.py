"""People: the four roles, their region or organization, and the admin pages that manage them."""

from flask import Blueprint

bp = Blueprint("users", __name__, template_folder="templates", url_prefix="/admin/users")

#: each user's own page: their password and "sign out everywhere"
account_bp = Blueprint("account", __name__, template_folder="templates", url_prefix="/account")
