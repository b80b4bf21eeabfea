"""Small helpers shared by the views of every area."""
from __future__ import annotations

import unicodedata

from flask import make_response, render_template
from htmx_flask import request
from werkzeug.routing import IntegerConverter

from app.forms import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` as werkzeug's, but bounded by what the database can compare: a larger id or year in the
    path is not found (404) rather than a database error (500). Registered as the app's `int`."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max if max is not None else MAX_ID, signed)


def is_fragment_request() -> bool:
    """An htmx request that wants a fragment: not a boosted link or form (hx-boost swaps the whole
    body, so it needs the page) and not a history restore."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def form_errors_text(form) -> str:
    """A form's errors as one line, for flash() or a line's error slot. Messages given as lazy_gettext
    are LazyString, which str.join refuses."""
    return "；".join(str(error) for errors in form.errors.values() for error in errors)


def attachment_name(name: str) -> str:
    """A name to download a file under, made from stored text (a station's, a federation's name): no control,
    format or line-separator characters (a CR/LF would break the Content-Disposition header), no path."""
    kept = "".join(" " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch for ch in name
                   if unicodedata.category(ch) != "Cf")
    return " ".join(kept.replace("/", "-").replace("\\", "-").split()) or "download"


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """The fragment alone for htmx, the full page otherwise; caches keep the two apart."""
    template = fragment if is_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(location: str):
    """Post/redirect/get for plain forms; for htmx, a full navigation (an XHR would follow a 302
    and swap the whole next page into the form's place)."""
    from flask import redirect

    if request.htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)
