from flask import Blueprint

bp = Blueprint("grading", __name__, url_prefix="/t/<slug>")

from . import views  # noqa: E402,F401
