"""Response headers that keep the pages to themselves: a strict Content-Security-Policy (only our
own scripts and styles, no inline script, no framing), nosniff, a referrer policy, no caching of
signed-in pages."""
from __future__ import annotations

from flask import Flask, request

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


def init_app(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"  # pages show a federation's records
        return response
