"""Response headers that keep the pages to themselves: a strict Content-Security-Policy (only our
own scripts and styles, no inline script, no framing), nosniff, a referrer policy, no caching of
signed-in pages."""
from __future__ import annotations

from flask import Flask, abort, request

# htmx and ECharts are vendored under static/; htmx's own indicator <style> is switched off in
# base.html's htmx-config, and the templates carry no inline script, handler or style attribute.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _has_control_characters(values) -> bool:
    # NUL and the like are never legitimate in a form or a query, and PostgreSQL cannot store NUL. A multipart part
    # whose name werkzeug cannot read (a CR in it) comes with the name None.
    return any(ch in value for value in values if value for ch in _FORBIDDEN)


_FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"}


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters():
        values = [item for source in (request.args, request.form) for key, got in source.lists() for item in (key, *got)]
        # An upload's own name too: it is kept (cleaned) as the file's display name.
        values += [item for key, uploads in request.files.lists() for item in (key, *(u.filename or "" for u in uploads))]
        if _has_control_characters(values):
            abort(400, description="输入中含有不可见的控制字符，请删除后重试")

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"  # pages show a federation's records
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            # every download (evidence, receipts, .xlsx exports) holds a federation's data: send_file's
            # no-cache still lets a cache keep a copy
            response.headers["Cache-Control"] = "no-store"
        return response
