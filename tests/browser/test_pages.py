"""Every main page: no serious or critical axe-core violation, valid HTML (the W3C Nu checker), no
horizontal scrolling at phone width; full-page screenshots (desktop and phone) saved as artefacts."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from . import support

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@dataclasses.dataclass(frozen=True)
class MainPage:
    who: tuple[str, str | None]  # (federation slug, username); None: not signed in
    path: str  # a path, or "FOLLOW:<path>|<css of a link (or hx-get) there>|…" when ids come from the demo
    ready: tuple[str, ...] = ("main",)  # what must be on the page before it is checked


TOWN, CHIEF, COUNTY, NOBODY = ("haimen-sanxing", "admin"), ("haimen-sanxing", "chief1"), ("haimen", "admin"), ("haimen-sanxing", None)
MINE = "tr:has(.badge.on) a[href$='/checklist']"
PANELS = ("checklist", "stations", "cases")

MAIN_PAGES = {
    "federation-search": MainPage(NOBODY, "/"),
    "login": MainPage(NOBODY, "/t/haimen-sanxing/login"),
    "home-todo": MainPage(CHIEF, "/t/haimen-sanxing/", ("#todo",)),
    "stations": MainPage(TOWN, "/t/haimen-sanxing/stations"),
    "station": MainPage(TOWN, "FOLLOW:/t/haimen-sanxing/stations|#station-1 td:first-child a"),
    "checklist-grid": MainPage(CHIEF, f"FOLLOW:/t/haimen-sanxing/stations|{MINE}", ("#checklist-grid",)),
    "checklist-item": MainPage(CHIEF, "FOLLOW:/t/haimen-sanxing/stations/1/checklist|#checklist-grid td.status-done a", ("#item-form",)),
    "grading": MainPage(TOWN, "/t/haimen-sanxing/grading"),
    "grading-station": MainPage(TOWN, "FOLLOW:/t/haimen-sanxing/grading|main a[href*='/grading/stations/']"),
    "cases": MainPage(TOWN, "/t/haimen-sanxing/cases", ("#case-queue",)),
    "case": MainPage(TOWN, "FOLLOW:/t/haimen-sanxing/cases|#case-queue a[href*='/cases/']"),
    "users": MainPage(TOWN, "/t/haimen-sanxing/admin/users"),
    "dashboard": MainPage(COUNTY, "/t/haimen/dashboard", tuple(f"#panel-{p} [data-chart] canvas" for p in PANELS)),
    "dashboard-panel": MainPage(COUNTY, "FOLLOW:/t/haimen/dashboard|#panel-stations", ("[data-chart] canvas",)),
    "dashboard-station": MainPage(  # county → a town → its stations → one, read-only
        COUNTY, "FOLLOW:/t/haimen/dashboard|#panel-checklist td a|main a[href*='/stations?']|main table a"),
    "reduction-dashboard": MainPage(COUNTY, "/t/haimen/reduction"),
}


UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    .map(e => e.outerHTML.slice(0, 160))"""


@dataclasses.dataclass
class Checked:
    url: str
    html_file: Path
    violations: list[dict]
    widths: tuple[int, int]
    too_wide: list[str]
    unlabelled: list[str]


def _resolve(page, path: str) -> str:
    if not path.startswith("FOLLOW:"):
        return path
    start, *hops = path.removeprefix("FOLLOW:").split("|")
    href = start
    for selector in hops:
        page.goto(href)
        link = page.locator(selector).first
        link.wait_for(state="attached")  # lazily loaded panels too
        href = link.get_attribute("href") or link.get_attribute("hx-get")
        assert href, f"no link {selector!r} on {page.url}"
    return href


def _check(page, name: str, spec: MainPage, html_dir: Path, artefacts: Path) -> Checked:
    url = _resolve(page, spec.path)
    response = page.goto(url)
    assert response.status == 200, f"{name}: {url} answered {response.status}"
    html_file = html_dir / f"{name}.html"
    html_file.write_bytes(response.body())  # the server's HTML, as the validator should see it
    for selector in spec.ready:
        page.locator(selector).first.wait_for()
    page.screenshot(path=artefacts / f"{name}-desktop.png", full_page=True)
    violations = support.axe_violations(page)
    unlabelled = page.evaluate(UNLABELLED_CONTROLS)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)  # a resize is laid out on the next frame
    seen = {v["id"] for v in violations}
    violations += [v for v in support.axe_violations(page) if v["id"] not in seen]  # e.g. scrolling regions
    widths = tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
             .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5)
             .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} → ${Math.round(e.getBoundingClientRect().right)}px`)"""
    )
    page.screenshot(path=artefacts / f"{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    return Checked(url, html_file, violations, widths, too_wide, unlabelled)


@pytest.fixture(scope="module")
def main_pages(browser, live_server, artefacts, tmp_path_factory):
    """Each main page visited once, checked at desktop and phone width; name -> Checked."""
    html_dir = tmp_path_factory.mktemp("html")
    contexts, results = {}, {}
    try:
        for name, spec in MAIN_PAGES.items():
            if spec.who not in contexts:
                # bypass_csp: axe-core is injected as inline script, which the app's CSP refuses.
                context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESKTOP, bypass_csp=True)
                context.set_default_timeout(15_000)
                page = context.new_page()
                slug, username = spec.who
                if username:
                    support.log_in(page, slug, username)
                contexts[spec.who] = page
            results[name] = _check(contexts[spec.who], name, spec, html_dir, artefacts)
    finally:
        for page in contexts.values():
            page.context.close()
    return results


@pytest.fixture(scope="module")
def html_errors(main_pages):
    try:
        return support.validate_html([checked.html_file for checked in main_pages.values()])
    except FileNotFoundError as exc:
        support.browser_unavailable(str(exc))


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_page_has_no_serious_or_critical_accessibility_violation(main_pages, name):
    checked = main_pages[name]
    assert not checked.violations, f"{checked.url}:\n{support.describe_violations(checked.violations)}"


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_every_form_control_of_a_main_page_has_a_label(main_pages, name):
    assert not main_pages[name].unlabelled, f"{main_pages[name].url}: {main_pages[name].unlabelled}"


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_page_is_valid_html(main_pages, html_errors, name):
    errors = html_errors[main_pages[name].html_file.name]
    assert not errors, f"{main_pages[name].url}:\n" + "\n".join(errors)


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_main_page_fits_a_phone_without_horizontal_scrolling(main_pages, name):
    checked = main_pages[name]
    scroll_width, inner_width = checked.widths
    assert scroll_width <= inner_width, f"{checked.url} is {scroll_width}px wide at {inner_width}px: {checked.too_wide}"


def test_screenshots_of_every_main_page_are_saved(main_pages, artefacts):
    missing = [f"{name}-{size}.png" for name in MAIN_PAGES for size in ("desktop", "phone")
               if not (artefacts / f"{name}-{size}.png").is_file()]
    assert not missing
