from flask import Blueprint

bp = Blueprint("delegation", __name__, url_prefix="/t/<slug>")

from . import views  # noqa: E402,F401
