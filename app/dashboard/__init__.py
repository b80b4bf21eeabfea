from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/t/<slug>")

from . import views  # noqa: E402,F401
