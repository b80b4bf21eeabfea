"""Checklist grid benchmark: the station chief's 5+N grid page under gunicorn on PostgreSQL.

1. GET /t/<slug>/stations/<id>/checklist?year=<this year>, 30-enterprise station, signed in as its chief,
   `gunicorn -w 2` (sync), wrk for 10 s at 1, 4 and 32 clients: requests/s, latency p50/p90/p99
                                      targets: >= 180 requests/s at 4 clients, p50 < 10 ms at 1 client
2. SQL statements of one grid request (test client in-process, before_cursor_execute on the app's
   engine) at stations of 10, 30 and 60 enterprises      target: the same count for all three

It builds a throw-away database `jiceng_bench_grid` on the server of --url (dropped at the end, also on
failure), checks every response is a 200 naming the station (not a login redirect) and exits 1 on a
miss or a failed check. wrk, gunicorn and PostgreSQL share the cores, so the load average at the start
is printed. Needs wrk (`apt-get install -y wrk`) and gunicorn (the `test` extra). About 40 s.

    python bench/grid.py [--duration 10] [--url postgresql://postgres@localhost/postgres]
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

BENCH_DB = "jiceng_bench_grid"
SLUG, PASSWORD, AGENT = "benchtown", "bench-pass-1", "jiceng-bench/1"
NAME = "基准镇第{}片区工会工作站"  # station n
SIZES = (10, 30, 60)  # enterprises of stations 1, 2, 3; the chief of station n signs in as chief{n}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LUA = """bad, seen, threads = 0, 0, {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body) seen = seen + 1
  if status ~= 200 or not string.find(body, "%s", 1, true) then bad = bad + 1 end end
function done() local b, s = 0, 0
  for _, t in ipairs(threads) do b, s = b + t:get("bad"), s + t:get("seen") end
  io.write(string.format("CHECKED %%d BAD %%d\\n", s, b)) end
"""


def build_stations(session, today: dt.date, password_hash: str) -> dict[int, int]:
    """One station per size, with the demo's people (a chief login each), enterprises and a checklist
    complete last year and about half done this year; {size: station id}."""
    from app.checklist.models import ChecklistItem
    from app.demo import stations as demo
    from app.stations.models import Enterprise, EnterpriseStation, WorkStation
    from app.stations.uscc import example_uscc

    rng, serial, ids = random.Random(SLUG), 0, {}
    for number, size in enumerate(SIZES, start=1):
        station = WorkStation(name=NAME.format(number), mode="region", coverage=f"基准镇第{number}片区",
                              host_enterprise="基准镇恒盛机械制造有限公司", status="active")
        session.add(station)
        session.flush()
        demo._people(session, rng, station, number, today, password_hash)
        rows = []
        for serial in range(serial + 1, serial + size + 1):
            workers = rng.choice([rng.randint(8, 60), rng.randint(60, 300), rng.randint(300, 1500)])
            rows.append({"name": f"基准镇{rng.choice(demo.BRANDS)}{rng.choice(demo.BRANDS)}{rng.choice(demo.INDUSTRIES)}有限公司",
                         "uscc": example_uscc(serial, "320600"), "industry": rng.choice(demo.INDUSTRIES), "workers": workers,
                         "members": int(workers * 0.8), "union_chair": demo._person(rng), "contact_phone": "13800000000",
                         "created_at": dt.datetime.now()})
        enterprises = session.execute(sa.insert(Enterprise).returning(Enterprise.id, sort_by_parameter_order=True), rows).scalars().all()
        session.execute(sa.insert(EnterpriseStation), [{"enterprise_id": i, "station_id": station.id,
                                                        "from_on": dt.date(today.year - 2, 1, 1), "until_on": None} for i in enterprises])
        items = []
        for enterprise_id, row in zip(enterprises, rows):
            for year in (today.year - 1, today.year):
                items += demo._year_items(rng, enterprise_id, row["workers"], year, today, complete=year < today.year)
        session.execute(sa.insert(ChecklistItem), items)
        ids[size] = station.id
    return ids


def sign_in(get, post, user: str) -> None:
    """POST the real login form with its CSRF token; get(path) -> html, post(path, data) -> status."""
    token = TOKEN.search(get(f"/t/{SLUG}/login")).group(1)
    status = post(f"/t/{SLUG}/login", {"csrf_token": token, "username": user, "password": PASSWORD})
    if status != 302:
        raise RuntimeError(f"login as {user} answered {status}, not a redirect")


def count_statements(app, engine, stations: dict[int, int], year: int) -> dict[int, list[str]]:
    """The statements of one warm grid request per station, signed in as that station's chief."""
    counts = {}
    for number, size in enumerate(SIZES, start=1):
        client = app.test_client()
        sign_in(lambda p: client.get(p).get_data(as_text=True), lambda p, d: client.post(p, data=d).status_code, f"chief{number}")
        path = f"/t/{SLUG}/stations/{stations[size]}/checklist?year={year}"
        client.get(path)  # warm-up: first-use caches are not what every request pays
        seen: list[str] = []
        listener = lambda conn, cursor, statement, *rest: seen.append(" ".join(statement.split()))  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(path)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        if response.status_code != 200 or NAME.format(number) not in response.get_data(as_text=True):
            raise RuntimeError(f"in-process grid of station {number} answered {response.status_code}")
        counts[size] = seen
    return counts


@contextlib.contextmanager
def gunicorn(url: str, log: Path):
    """`gunicorn -w 2` on a free port, healthy; the base URL. Always terminated."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JICENG_DATABASE_URL=url, JICENG_SECRET_KEY="bench")
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app:create_app()"],
                                  cwd=Path(__file__).resolve().parent.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up ({server.returncode}):\n{log.read_text()[-2000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                break  # urlopen raises on anything but a 2xx
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def wrk(url: str, cookie: str, clients: int, duration: int, script: Path) -> dict:
    command = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{duration}s", "--latency", "-s", str(script),
               "-H", f"Cookie: {cookie}", "-H", f"User-Agent: {AGENT}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    unit = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}
    result = {p: float(m[1]) * unit[m[2]] for p in ("50", "90", "99")
              for m in [re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)$", out, re.M)]}
    checked, bad = map(int, re.search(r"CHECKED (\d+) BAD (\d+)", out).groups())
    errors = re.search(r"Socket errors: (.*)", out)
    return result | {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), "checked": checked, "bad": bad,
                     "errors": errors[1] if errors else ""}


def figure(rows: list, name: str, shown: str, target: str, ok: bool) -> None:
    rows.append((name, shown, target, "PASS" if ok else "MISS"))
    print(f"{name}: {shown} (target {target}) {rows[-1][3]}", flush=True)


def run(url: str, args) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    import requests
    from werkzeug.security import generate_password_hash

    from app import clock, create_app
    from app.extensions import db, tenancy
    from tenants.cli import ensure_shared_schema, provision
    from tenants.provisioning import TenantSpec

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False})
    rows, problems, year = [], [], clock.today().year
    with app.app_context():
        ensure_shared_schema()
        tenant = provision(TenantSpec(SLUG, "基准镇总工会", "town"), {"admin": "admin", "password": PASSWORD})
        session = db.tenant_session(tenancy.engines, tenant)
        try:
            stations = build_stations(session, clock.today(), generate_password_hash(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"]))
            session.commit()
        finally:
            session.close()
        engine = db.engine

    # 2. statements per grid request, in-process
    counts = count_statements(app, engine, stations, year)
    figure(rows, "SQL statements per grid request (enterprises: statements)", ", ".join(f"{n}: {len(s)}" for n, s in counts.items()),
           "the same for 10/30/60", len({len(seen) for seen in counts.values()}) == 1)
    print("  the statements of the 30-enterprise grid:", *(f"    {s[:140]}" for s in counts[30]), sep="\n", file=sys.stderr)
    with app.app_context():
        tenancy.engines.dispose()
        db.engine.dispose()

    # 1. throughput and latency under gunicorn
    print(f"  load average before the load: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="jiceng-bench-grid-") as tmp, gunicorn(url, Path(tmp) / "gunicorn.log") as base:
        script = Path(tmp) / "check.lua"
        script.write_text(LUA % NAME.format(2), encoding="utf-8")
        browser = requests.Session()
        browser.headers["User-Agent"] = AGENT  # wrk sends the same: the session's identifier stays valid
        sign_in(lambda p: browser.get(base + p).text, lambda p, d: browser.post(base + p, data=d, allow_redirects=False).status_code, "chief2")
        grid_url = f"{base}/t/{SLUG}/stations/{stations[30]}/checklist?year={year}"
        page = browser.get(grid_url, allow_redirects=False)
        if page.status_code != 200 or NAME.format(2) not in page.text:
            raise RuntimeError(f"the grid answered {page.status_code} to the signed-in chief")
        print(f"  grid page: {len(page.content):,} bytes; warming up", file=sys.stderr, flush=True)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        wrk(grid_url, cookie, 4, 2, script)
        for clients in (1, 4, 32):
            r = wrk(grid_url, cookie, clients, args.duration, script)
            if r["bad"] or not r["checked"] or r["errors"]:
                problems.append(f"{clients} clients: {r['bad']} of {r['checked']} responses not a 200 grid; socket errors: {r['errors'] or 'none'}")
            ok, target = {1: (r["50"] < 0.010, "p50 < 10 ms"), 4: (r["rps"] >= 180, ">= 180 requests/s")}.get(clients, (True, "none"))
            figure(rows, f"grid, 30 enterprises, {clients} client{'s' * (clients > 1)}", f"{r['rps']:.0f} requests/s, p50 {r['50'] * 1000:.1f}"
                   f" / p90 {r['90'] * 1000:.1f} / p99 {r['99'] * 1000:.1f} ms ({r['checked']} checked)", target, ok)
    return rows, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per number of clients")
    parser.add_argument("--url", default="postgresql://postgres@localhost/postgres", help="server to use")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        parser.error("wrk is not installed: apt-get install -y wrk")

    from tenants.binding import normalise_url

    base = normalise_url(args.url)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        rows, problems = run(base.set(database=BENCH_DB).render_as_string(hide_password=False), args)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.dispose()

    print("\n| measure | result | target | verdict |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    return 1 if problems or any(row[3] == "MISS" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
