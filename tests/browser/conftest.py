"""Fixtures of the browser suite: the app served on localhost with a fresh demo, and Debian's Chromium.

One demo and one browser per session; each test opens its own browser contexts (cookies apart).
Without Chromium (or Playwright) the suite is skipped with a visible reason, unless
JICENG_REQUIRE_BROWSER=1 (as in CI), in which case it fails instead.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from . import support

CHROMIUM = os.environ.get("JICENG_CHROMIUM", "/usr/bin/chromium")
# Chromium as root in a container: no sandbox, no GPU, and none of its own traffic to the outside.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def playwright_api():
    if support.sync_playwright is None:
        support.browser_unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        support.browser_unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with support.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_api):
    browser = playwright_api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, playwright_api):
    """The app on a free localhost port with the demo province built on SQLite in a temp dir.
    Production settings otherwise: CSRF on, the real security headers."""
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db, tenancy

    root = tmp_path_factory.mktemp("browser")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'db' / 'jiceng.db'}",
        "SECRET_KEY": "browser-suite-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "EVIDENCE_DIR": str(root / "files"),
    })
    result = app.test_cli_runner().invoke(args=["demo", "--password", support.PASSWORD])
    assert result.exit_code == 0, result.output
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="jiceng-live-server", daemon=True)
    thread.start()
    yield support.Server(f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        tenancy.engines.dispose()
        db.engine.dispose()


@pytest.fixture
def new_context(browser, live_server):
    """new_context(**options) -> a fresh browser context (Chinese, desktop size), closed after the test."""
    contexts = []

    def factory(**options):
        options.setdefault("locale", "zh-CN")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(new_context):
    """sign_in(slug, username="admin", **context options) -> a page signed in, on the home page."""

    def login(slug: str, username: str = "admin", **options):
        page = new_context(**options).new_page()
        support.log_in(page, slug, username)
        return page

    return login


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where screenshots are saved (gitignored)."""
    path = Path(__file__).resolve().parent / "artefacts"
    path.mkdir(exist_ok=True)
    return path
