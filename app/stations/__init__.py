from flask import Blueprint

bp = Blueprint("stations", __name__, url_prefix="/t/<slug>")

from . import views  # noqa: E402,F401
