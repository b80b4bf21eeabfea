"""Small helpers shared by the views of every area."""
from __future__ import annotations

from flask import make_response, render_template, request


def is_fragment_request() -> bool:
    """An htmx request that wants a fragment; history restores get the full page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """The fragment alone for htmx, the full page otherwise; caches keep the two apart."""
    template = fragment if is_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
