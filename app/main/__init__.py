"""Home (the dashboard each role lands on) and the language switch."""

from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")
