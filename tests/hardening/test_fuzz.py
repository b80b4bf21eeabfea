"""Hostile input to every form and query parameter of every area (issue 9).

Every route that accepts POST (read from the app's url_map) gets, in a world of two federations with one
of everything: a fixed matrix of hostile values (very long strings, control characters, NUL, SQL and HTML
fragments, wrong types, negative and huge numbers, NaN and infinities, bad dates, empty, missing, extra and
repeated fields), each aimed at the fields of its kind while the other fields stay valid, then random
mixtures drawn by hypothesis (plain and htmx, urlencoded and multipart). Every GET route gets hostile and
random query parameters and path segments. For every request: no 5xx; a refused request (4xx, a form shown
again, a redirect with an error message) stores nothing, judged by a digest of every table of both
federations and of the shared schema; what a successful request stored reads back (the pages and exports
showing it answer without error). With CSRF on, every POST route without a valid token is refused with 400
and stores nothing. Uploads get random bytes and hostile names: no 5xx, nothing written outside the store,
names kept only as display names.

Bugs found are listed in BUGS (all twelve found so far are fixed; they stay listed so that a regression is
named); those not fixed yet go in KNOWN: a test that meets only the bugs KNOWN lists for it is an expected failure
(xfail, strict: once fixed it must be taken off KNOWN), one that meets anything else fails.

    JICENG_FUZZ_EXAMPLES=N   hypothesis examples per route (default 3)
    JICENG_FUZZ_RANDOM=1     draw new examples every run (default: the same pseudo-random ones, for a stable CI)
    JICENG_FUZZ_REPORT=FILE  append every problem found to FILE as JSON lines
"""
from __future__ import annotations

import json
import os
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from app import clock
from tests.conftest import _drop_all_tenants, make_app
from tests.hardening import fuzz_support as fz

RECIPES = {recipe.key: recipe for recipe in fz.recipes()}
FUZZ = settings(max_examples=int(os.environ.get("JICENG_FUZZ_EXAMPLES", "3")), deadline=None, database=None,
                derandomize=os.environ.get("JICENG_FUZZ_RANDOM") != "1",
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
BACKENDS = ("sqlite", "postgresql")

# Bugs in app/ the fuzz found (issue 9), by what their tracebacks or reports say; B1–B12 are fixed -------------
BUGS = {
    "B1": ("a refused form whose errors are joined for flash() crashes: lazy_gettext messages are LazyString "
           "(stations.add_person, delegation _valid for case notes, reduction.override)", r"LazyString found"),
    "B2": ("checklist item forms: int(form.version.data) on the hidden `version` field crashes on non-digits "
           "(checklist.edit_task, checklist.item)", r"invalid literal for int\(\) with base 10"),
    "B3": ("PostgreSQL refuses NUL (\\x00) in text: an upload's file name containing it reaches documents.source_name "
           "and is a 500 on PostgreSQL (the before_request filter of control characters covers form fields and query "
           "parameters, not file names)", r"cannot contain NUL"),
    "B4": ("integers beyond the column's range in form fields (workers, members, workers_helped, workers_covered) and "
           "?page= reach the database: 500 (SQLite OverflowError, PostgreSQL integer/bigint out of range)",
           r"^(?!huge path id)[\s\S]*(Python int too large to convert to SQLite INTEGER|integer out of range|bigint out of range)"),
    "B5": ("decimal amounts beyond the column's precision (1e30, 9…9, Infinity) reach PostgreSQL: numeric field overflow",
           r"numeric field overflow|value overflows numeric format"),
    "B6": ("DecimalFields accept NaN, sNaN, ±Infinity and 1E+999999999: arithmetic and formatting crash when the value "
           "is used or shown (budget, expenses, settings, grading entries and pages; SQLite stores inf)",
           r"signaling NaN|decimal\.InvalidOperation|decimal\.Overflow|decimal\.DivisionByZero"),
    "B7": ("a name with CR/LF (station name) breaks the Content-Disposition of the .xlsx exports",
           r"Header values must not contain newline characters"),
    "B8": ("dates at the end of the calendar (9999-12-31) overflow date arithmetic (inspection working days, "
           "audit ?to=)", r"date value out of range"),
    "B9": ("a damaged .docx (valid directory, corrupt deflate data) is not caught by extract_text: zlib.error/BadZipFile",
           r'extract\.py", line \d+, in _docx_text'),
    "B10": ("grading.set_entry refused (422) still stores the station's draft score (_score() flushes, then "
            "_station_page commits)", r"stored change from a refused request[\s\S]*station_scores"),
    "B11": ("documents.source_name keeps the uploaded file name as given (path separators, control and bidi characters) "
            "instead of safe_display_name", r"stored file name[\s\S]*documents\.source_name"),
    "B12": ("ids and years in the path are unbounded (werkzeug's int converter): 2**63 or 10**30 reaches the database "
            "in get_or_404 and friends: 500 instead of 404, on every route with an <int:...> segment",
            r"^huge path id[\s\S]*(Python int too large to convert to SQLite INTEGER|bigint out of range|integer out of range)"),
}


class KnownBugs(Exception):
    """Every problem a test met is one of BUGS: the expected failure of a test marked xfail(raises=KnownBugs)."""


def bug_of(problem: fz.Problem) -> str | None:
    text = f"{problem.kind}\n{problem.request}\n{problem.detail}"
    return next((bug for bug, (_, pattern) in BUGS.items() if re.search(pattern, text)), None)


# Which tests meet which bugs, per backend. Each of these tests is marked xfail(strict=True, raises=KnownBugs);
# it fails if it meets any other problem, or not exactly these bugs (fixed ones must come off). To bring the table
# up to date: JICENG_FUZZ_REPORT=/tmp/fuzz.jsonl pytest tests/hardening/test_fuzz.py, then
# python -m tests.hardening.fuzz_support /tmp/fuzz.jsonl prints it.
KNOWN: dict[str, dict[str, tuple[str, ...]]] = {}


KINDS = {"test_post_route_refuses_hostile_values_cleanly": "post", "test_get_route_survives_hostile_query_parameters": "get",
         "test_huge_numbers_in_paths_are_not_found": "paths", "test_uploads_of_any_bytes_under_any_name": "upload",
         "test_every_post_route_without_a_csrf_token_is_refused_and_stores_nothing": "csrf"}


def known_bugs_mark(request, backend: str) -> None:
    """Mark a (backend, route) KNOWN to meet bugs as xfail(strict=True, raises=KnownBugs), the bugs as reason."""
    kind = KINDS.get(request.function.__name__)
    if kind is None:
        return
    bugs = KNOWN.get(f"{kind}:{request.node.callspec.params['key']}", {}).get(backend, ())
    if bugs:
        request.applymarker(pytest.mark.xfail(strict=True, raises=KnownBugs,
                                              reason="; ".join(f"{b}: {BUGS[b][0]}" for b in bugs)))


def judge(world, test_key: str, problems: list) -> None:
    """Pass when there is no problem. Fail on any problem not in BUGS, or when the bugs met are not exactly those
    KNOWN lists for the test (a listed bug that no longer shows is fixed: take it off). Otherwise raise KnownBugs,
    the expected failure of the xfail mark."""
    fz.write_report(f"{world.backend}:{test_key}", problems)
    if not problems:
        return
    unknown = [p for p in problems if bug_of(p) is None]
    text = "\n\n".join(fz.dedupe(unknown or problems))
    assert not unknown, f"{test_key}: {len(unknown)} problems not among the known bugs\n\n{text}"
    bugs = sorted({bug_of(p) for p in problems}, key=lambda b: int(b[1:]))
    expected = KNOWN.get(test_key, {}).get(world.backend, ())
    if set(bugs) != set(expected):
        pytest.fail(f"{test_key} on {world.backend} met {bugs}, KNOWN lists {list(expected)}: bring KNOWN up to date "
                    f"(a bug no longer met is fixed here)\n\n{text}")
    raise KnownBugs(f"{test_key}: {len(problems)} problems, all known ({', '.join(bugs)})\n\n{text}")


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory, postgres_url):
    """One world per backend for the whole module (building it takes seconds; the routes are many). Every test
    starts from the world as built (fz.restore puts back every table that changed), every check compares the
    state just before and just after its own request, and routes that use up their object (delete, end,
    accept) get a fresh one for every request."""
    if request.param == "postgresql" and postgres_url is None:
        pytest.skip("PostgreSQL half skipped: set JICENG_TEST_DATABASE_URL to run it")
    base = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    url = f"sqlite:///{base / 'db' / 'jiceng.db'}" if request.param == "sqlite" else postgres_url
    sandbox = base / "sandbox"
    files_root = sandbox / "a" / "b" / "files"
    files_root.mkdir(parents=True)
    # the 500 page as in production (the recorder keeps the traceback); files in a sandbox we can search
    app = make_app(url, PROPAGATE_EXCEPTIONS=False, EVIDENCE_DIR=str(files_root))
    patch = pytest.MonkeyPatch()
    patch.setattr(clock, "today", lambda: fz.TODAY)
    from tenants.cli import ensure_shared_schema

    with app.app_context():
        ensure_shared_schema()
    world = fz.build_world(app, files_root, sandbox)
    world.database_url, world.backend = url, request.param
    world.recorder = fz.Recorder(app)
    fz.remember_shared_rows(world)
    fz.take_snapshot(world)
    yield world
    world.recorder.close()
    fz.close_watchers(world)
    fz.forget_shared_rows(world)
    with app.app_context():
        from app.extensions import db, tenancy

        _drop_all_tenants()
        tenancy.engines.dispose()
        db.engine.dispose()
    patch.undo()


@pytest.fixture(autouse=True)
def _fresh_world(request):
    """Every test starts from the world as built (what an earlier route stored is undone)."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        known_bugs_mark(request, world.backend)
        fz.restore(world)
        world.cached_state = None


# Exhaustive: every POST route has a recipe, every field of every form in the pages is fuzzed ------------------

def test_every_post_route_has_a_recipe(world):
    posts = {rule.endpoint for rule in world.app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint != "static"}
    covered = {recipe.endpoint for recipe in RECIPES.values()}
    assert posts - covered == set(), f"POST routes without a fuzz recipe: {sorted(posts - covered)}"
    assert covered - posts == set(), f"recipes for routes that are gone: {sorted(covered - posts)}"


# Forms shown only in states the crawl does not reach; their fields come from the form classes alone.
NOT_ON_A_CRAWLED_PAGE = {"delegation.stop_acting": "shown only while acting on behalf of a federation below"}


def test_every_form_in_the_pages_is_fuzzed_with_all_its_fields(world):
    """Crawl every GET page of the world as both administrators (and the login page anonymously, and the grading
    page with a self-assessment submitted and confirmed); every <form method=post> posts to a route we fuzz, every
    field it has is among the fields we post to that route, and every POST route's form is met somewhere."""
    adapter = world.app.url_map.bind(fz.SERVER)
    seen, problems = {}, []
    station_page = f"/grading/stations/{world.ids['station']}?year={fz.GRADING_YEAR}"
    pages = [(key, url, world.client(key)) for key, url in fz.get_urls(world)] + [("zhen", world.path("zhen", "/login"), world.app.test_client())]
    for status in ("submitted", "confirmed"):
        world.grading_status(status)
        pages.append(("zhen", world.path("zhen", station_page), world.client("zhen")))
        for _, url, client in pages[-1:]:
            _crawl(adapter, client, url, seen, problems)
    for _, url, client in pages[:-2]:
        _crawl(adapter, client, url, seen, problems)
    for endpoint, names in seen.items():
        fuzzed = set().union(*(set(r.fields()) for r in RECIPES.values() if r.endpoint == endpoint))
        if names - fuzzed:
            problems.append(f"{endpoint}: fields in the page not fuzzed: {sorted(names - fuzzed)}")
    unseen = {r.endpoint for r in RECIPES.values()} - set(seen) - set(NOT_ON_A_CRAWLED_PAGE)
    if unseen:
        problems.append(f"POST routes whose form no crawled page shows (say why in NOT_ON_A_CRAWLED_PAGE): {sorted(unseen)}")
    assert not problems, "\n".join(problems)


def _crawl(adapter, client, url, seen, problems):
    response = client.get(url)
    page = response.get_data(as_text=True) if "text/html" in response.content_type else ""
    response.close()
    if response.status_code >= 500:
        problems.append(f"GET {url} -> {response.status_code}")
    for form in fz.post_forms_of(page):
        action = (form["hx_post"] or form["action"] or url).split("?")[0]
        try:
            endpoint, _ = adapter.match(action.replace(f"http://{fz.SERVER}", ""), method="POST")
        except Exception as exc:  # noqa: BLE001  (NotFound, MethodNotAllowed, RequestRedirect)
            problems.append(f"form on {url} posts to {action}, which no POST route takes ({exc!r})")
            continue
        seen.setdefault(endpoint, set()).update(name for name in form["fields"] if name != "csrf_token")


# POST routes ---------------------------------------------------------------------------------------------------

def _post(world, recipe, data, *, hx=False, encoding="urlencoded", query=None, path_args=None):
    """Send one POST as the recipe says and judge it: a list of problems, each with its reproduction."""
    client = fz.client_for(world, recipe)
    args = path_args if path_args is not None else (recipe.args(world) if recipe.args else {})
    url = fz.url(world, recipe, args, recipe.query if query is None else query)
    headers = {"HX-Request": "true"} if hx else {}
    exact = recipe.endpoint == "auth.login"  # a refused login may count the failure: compare row by row
    snapshot = fz.state if exact else fz.digest
    before = world.cached_state if world.cached_state is not None and not recipe.prepares and not exact else snapshot(world)
    files_before = fz.sandbox_files(world)
    if encoding == "json":  # a JSON body where a form is expected (the forms read none of it)
        data = json.dumps({k: v for k, v in data.items() if not isinstance(v, tuple)}, ensure_ascii=False)
    exchange = fz.send(client, world.recorder, "POST", url, data, headers,
                       "application/json" if encoding == "json" else
                       "multipart/form-data" if encoding == "multipart" or fz.has_file(data) else None)
    after = snapshot(world)
    world.cached_state = None if exact else after
    problems = []
    if exchange.status >= 500:
        problems.append(fz.Problem(f"{exchange.status}", exchange.describe(), exchange.error or ""))
    if fz.succeeded(exchange, recipe):
        problems += fz.read_back(world, recipe, exchange, client)
        world.cached_state = None  # pages may make what they show by default (a year's grading sheet)
    else:
        changes = fz.unexplained(fz.diff(before, after), recipe) if exact else fz.changed_rows(world, before, after)
        if changes:
            problems.append(fz.Problem("stored change from a refused request", f"{exchange.describe()} flashes={exchange.flashes}",
                                       f"changed: {fz.short(changes, 3000)}"))
    problems += fz.files_outside_the_store(world, files_before)
    return problems


@pytest.mark.parametrize("key", sorted(RECIPES))
def test_post_route_refuses_hostile_values_cleanly(world, key):
    """The fixed matrix (fz.relevant_cases: each hostile value in the fields of its kind, the others valid; each
    case from the world as built), then random mixtures; at the end the pages listing what the route stored."""
    recipe = RECIPES[key]
    problems = []
    for case in fz.relevant_cases(recipe):
        if world.cached_state is None:  # the last case stored something: start this one from the world as built
            fz.restore(world)
        data = fz.form_for_case(recipe, world, case)
        found = _post(world, recipe, data)
        for p in found:
            p.case = case
        problems += found

    @FUZZ
    @given(draw=st.data())
    def random_mixtures(draw):
        data = draw.draw(fz.form_strategy(recipe, world), label="form")
        hx = draw.draw(st.booleans(), label="htmx")
        encoding = draw.draw(st.sampled_from(["urlencoded", "multipart", "json"]), label="encoding")
        query = draw.draw(fz.query_strategy(recipe), label="query")
        found = _post(world, recipe, data, hx=hx, encoding=encoding, query=query)
        for p in found:
            p.case = "random"
        problems.extend(found)

    random_mixtures()
    for p in fz.read_back(world, recipe, None, None, at_end=True):
        p.case = "end"
        problems.append(p)
    judge(world, f"post:{key}", problems)


# Query parameters of every GET route --------------------------------------------------------------------------

GET_RULES = {fz.rule_key(rule): rule for rule in fz.get_rules(make_app("sqlite:////nonexistent/collect.db"))}
GET_CASES = ["empty", "long_10k", "control_chars", "nul", "newlines", "unicode_format", "sql", "html", "path", "wrong_type",
             "negative", "huge_digits", "nan", "bad_date", "date_year_9999"]


def _get(world, tenant_key, url, *, headers=None):
    exchange = fz.send(world.client(tenant_key), world.recorder, "GET", url, None, headers or {})
    if exchange.status >= 500:
        return [fz.Problem(f"{exchange.status}", exchange.describe(), exchange.error or "")]
    return []


@pytest.mark.parametrize("key", sorted(GET_RULES))
def test_get_route_survives_hostile_query_parameters(world, key):
    """Every query parameter the views read (grepped from app/), all at once, set to each hostile value; string
    segments of the path too; then random mixtures (with unknown names and repeated values)."""
    rule = next(r for r in world.app.url_map.iter_rules() if fz.rule_key(r) == key)
    names = sorted(fz.query_parameters_read_by_the_app())
    problems = []
    for case in GET_CASES:
        value = fz.HOSTILE[case][0]
        tenant_key, url = fz.get_url(world, rule, query={name: value for name in names})
        for p in _get(world, tenant_key, url, headers={"HX-Request": "true"} if case in ("sql", "html") else None):
            p.case = case
            problems.append(p)
    for name, converter in rule._converters.items():
        if type(converter).__name__ == "UnicodeConverter" and name != "slug":
            for case in ("long_10k", "control_chars", "nul", "newlines", "sql", "html", "path"):
                tenant_key, url = fz.get_url(world, rule, overrides={name: fz.HOSTILE[case][0]})
                for p in _get(world, tenant_key, url):
                    p.case = f"path {name}={case}"
                    problems.append(p)

    @FUZZ
    @given(query=fz.query_values_strategy(), hx=st.booleans())
    def random_queries(query, hx):
        tenant_key, url = fz.get_url(world, rule, query=query)
        for p in _get(world, tenant_key, url, headers={"HX-Request": "true"} if hx else None):
            p.case = "random"
            problems.append(p)

    random_queries()
    judge(world, f"get:{key}", problems)


@pytest.mark.parametrize("key", ["huge numbers"])
def test_huge_numbers_in_paths_are_not_found(world, key):
    """An id or year in the path far beyond any stored one (werkzeug's int converter takes any length):
    404, never a 5xx, for every route, GET and POST."""
    problems = []
    adapter = world.app.url_map.bind(fz.SERVER)
    for rule in sorted((r for r in world.app.url_map.iter_rules() if r.endpoint != "static"), key=fz.rule_key):
        ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ints:
            continue
        tenant_key = fz.tenant_of(rule.endpoint)
        values = fz.path_values(world, rule.endpoint)
        args = {n: values.get(n, "x") for n in rule.arguments if n != "slug"}
        if "action" in args:
            args["action"] = "note"
        if "task" in args:
            args["task"] = "wage_negotiation"
        for name in ints:
            for huge in (2**63, 10**30):
                path = adapter.build(rule.endpoint, {**args, name: huge, "slug": world.tenant(tenant_key).slug})
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    exchange = fz.send(world.client(tenant_key), world.recorder, method, path, {} if method == "POST" else None, {})
                    if exchange.status >= 500:
                        problems.append(fz.Problem(f"huge path id: {exchange.status}", exchange.describe(), exchange.error or "",
                                                   f"{name}={huge}"))
    judge(world, f"paths:{key}", problems)


# Missing CSRF -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["every POST route"])
def test_every_post_route_without_a_csrf_token_is_refused_and_stores_nothing(world, key):
    """The same database served by an app with CSRF on: each POST route, signed in, with valid values but
    no token (and, as htmx, with a wrong X-CSRFToken header; and with the token of another session) is
    answered 400 and stores nothing. A request with the right token gets through (the control)."""
    app = make_app(world.database_url, WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False,
                   EVIDENCE_DIR=str(world.files_root))
    recorder = fz.Recorder(app)
    try:
        clients = {tenant: fz.csrf_client(app, world, tenant) for tenant in ("zhen", "sheng")}
        other_token = fz.csrf_token_of(fz.csrf_client(app, world, "zhen")[0], world.path("zhen", "/stations"))
        problems = []
        for recipe_key in sorted(RECIPES):
            recipe = RECIPES[recipe_key]
            client, _ = clients[recipe.tenant] if not recipe.anonymous else (app.test_client(), None)
            args = recipe.args(world) if recipe.args else {}
            url = fz.url(world, recipe, args, recipe.query)
            data = fz.form_for_case(recipe, world, "valid")
            attempts = [("no token", data, {}), ("another session's token", {**data, "csrf_token": other_token}, {}),
                        ("htmx, wrong header", data, {"HX-Request": "true", "X-CSRFToken": "forged"})]
            for label, body, headers in attempts:
                before = fz.digest(world)
                exchange = fz.send(client, recorder, "POST", url, body, headers)
                changes = fz.changed_rows(world, before, fz.digest(world))
                if exchange.status != 400 or changes:
                    problems.append(fz.Problem(f"{exchange.status} without a valid token" + (" and stored" if changes else ""),
                                               exchange.describe(), fz.short(changes, 1500) if changes else (exchange.error or ""),
                                               f"{recipe_key}: {label}"))
        # the control: with its token, the same kind of request is accepted
        client, token = clients["zhen"]
        exchange = fz.send(client, recorder, "POST", world.path("zhen", "/stations"),
                           {"name": "令牌对照工作站", "mode": "industry", "status": "active", "csrf_token": token}, {})
        assert exchange.status == 302, exchange.describe()
    finally:
        recorder.close()
        with app.app_context():
            from app.extensions import db, tenancy

            tenancy.engines.dispose()
            db.engine.dispose()
    judge(world, f"csrf:{key}", problems)


# Uploads ------------------------------------------------------------------------------------------------------

UPLOAD_RECIPES = sorted(key for key, recipe in RECIPES.items() if any(s.kind == "file" for s in recipe.fields().values()))


@pytest.mark.parametrize("key", UPLOAD_RECIPES)
def test_uploads_of_any_bytes_under_any_name(world, key):
    """Random and hostile bytes (empty, executables, HTML posing as PDF, a damaged Word file, a Word file that
    inflates to 40 MB, spreadsheets with hostile cells...) under hostile names (path traversal, NUL, 5,000
    characters, bidi overrides, reserved device names...): no 5xx, nothing stored when refused, nothing
    written outside the store, stored files named by their content, names kept only as display names."""
    recipe = RECIPES[key]
    field = next(name for name, spec in recipe.fields().items() if spec.kind == "file")
    contents = fz.upload_contents()
    problems = []

    def attempt(content_name, filename, case):
        if world.cached_state is None:  # the last attempt stored something: start from the world as built
            fz.restore(world)
        data = fz.form_for_case(recipe, world, "valid")
        data[field] = fz.file_value(contents[content_name], filename)
        found = _post(world, recipe, data) + fz.stored_file_names(world) + fz.downloads(world, recipe)
        for p in found:
            p.case = case
        problems.extend(found)

    for content_name in sorted(contents):
        attempt(content_name, fz.natural_name(content_name), f"content {content_name}")
    for filename in fz.HOSTILE_FILENAMES:
        attempt(fz.VALID_UPLOAD.get(key, "pdf"), filename, f"name {filename[:40]!r}")

    @FUZZ
    @given(content=st.one_of(st.sampled_from(sorted(contents)), st.binary(max_size=2048)),
           filename=st.one_of(st.sampled_from(fz.HOSTILE_FILENAMES), st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)))
    def random_uploads(content, filename):
        data = fz.form_for_case(recipe, world, "valid")
        data[field] = fz.file_value(contents[content] if isinstance(content, str) else content, filename)
        found = _post(world, recipe, data) + fz.stored_file_names(world)
        for p in found:
            p.case = "random"
        problems.extend(found)

    random_uploads()
    judge(world, f"upload:{key}", problems)


# Login: where it sends you ----------------------------------------------------------------------------------

NEXT_TARGETS = ["//evil.example/", "https://evil.example/t/{slug}/", "/t/other-federation/", "/\\evil.example", "\\\\evil.example",
                "/t/{slug}/../../t/other/", "/t/{slug}//evil.example", "javascript:alert(1)", "/t/{slug}/\r\nLocation: https://evil.example",
                "/t/{slug}/%2F%2Fevil.example", "/t/{slug}/%5C%5Cevil.example", "/t/{slug}/\x00", "/t/{slug}/stations", "", "/"]


def test_login_never_sends_you_out_of_the_federation(world):
    """A successful login with any `next` (listed hostile targets, then random text) lands inside the federation
    it signed in to; a refused one sends nowhere."""
    slug = world.zhen.slug
    problems = []

    def login(target: str, case: str, password: str = fz.PASSWORD):
        client = world.app.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.99.0.1"
        exchange = fz.send(client, world.recorder, "POST", world.path("zhen", "/login") + "?next=" + urllib.parse.quote(target),
                           {"username": "admin", "password": password, "next": target}, {})
        location = exchange.location.replace(f"http://{fz.SERVER}", "")
        # a wrong password is refused (401); so is any control character (400, the app's filter of input)
        expected = 302 if password == fz.PASSWORD else 401
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", target):
            expected = 400
        if exchange.status != expected or (expected == 302 and not (
                location.startswith(f"/t/{slug}/") and "//" not in location and "\\" not in location)):
            problems.append(fz.Problem(f"login answered {exchange.status} to {location!r}", exchange.describe(), exchange.error or "", case))

    for target in NEXT_TARGETS:
        login(target.replace("{slug}", slug), f"next={target!r}")
    login("//evil.example/", "refused login", password="wrong-password-1")

    @FUZZ
    @given(target=st.text(st.characters(blacklist_categories=("Cs",)), max_size=80).map(lambda t: f"/t/{slug}/{t}"))
    def random_targets(target):
        login(target, "random")

    random_targets()
    judge(world, "login:next", problems)
