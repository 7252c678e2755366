"""公示: the public page of contracts, awards and the homes' grades, and its OCDS package.

No login; answers only when ``PUBLIC_PAGE`` is on (404 otherwise). Nothing personal is shown:
no household, no ID number, no contact person, no note or remark, no photo.
"""

from flask import Blueprint

from app import pages

bp = Blueprint("public", __name__, url_prefix="/public")

# the login page shows a link to the public page (the panel checks PUBLIC_PAGE itself)
pages.add_panel("login.after", "public/_login_link.html")
