"""Mixed load: logins, checklist edits and dashboard reads over many federations, under gunicorn on
PostgreSQL, then a check that no acknowledged write was lost.

Clients (threads, each with its own cookie jar) loop for --duration seconds over a random mix:
  10% log in again (GET the login form, POST it with its CSRF token),
  60% save a checklist cell in their own federation (GET the cell form for its version and token,
      POST a new participant count — each client owns its enterprises, so no two clients race),
  30% read the county dashboard's panels as the county's administrator.
It reports requests per second, latency p50/p95/p99 per kind and every error (anything but the
expected status), then reads back every acknowledged save from the database: the stored count must
be the last one the server acknowledged. Target: no errors, no lost writes. The load generator
shares the 2 cores with gunicorn (-w 2) and PostgreSQL; the load average at the start is printed.

    python bench/load.py [--federations 20] [--clients 8] [--duration 120] [--url postgresql://postgres@localhost/postgres]
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.grid import gunicorn  # noqa: E402

BENCH_DB, PASSWORD, YEAR = "jiceng_bench_load", "bench-pass-1", dt.date.today().year
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
TASKS = ("member_congress", "workers_congress", "wage_negotiation", "labour_competition", "cultural_activity")


def build(url: str, federations: int) -> tuple[list[tuple[str, list[int]]], int]:
    """A county with `federations` towns, each with a station of 30 enterprises and its chief1."""
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.demo import stations as demo
    from app.extensions import db, tenancy
    from app.summaries import counts
    from tenants.binding import bind_session
    from tenants.cli import ensure_shared_schema, provision
    from tenants.provisioning import TenantSpec

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    towns = []
    with app.app_context():
        ensure_shared_schema()
        county = provision(TenantSpec("benchcounty", "基准县总工会", "county"), {"admin": "admin", "password": PASSWORD})
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        for n in range(federations):
            town = provision(TenantSpec(f"benchtown{n}", f"基准{n}镇总工会", "town", "benchcounty"), {"admin": "admin", "password": PASSWORD})
            bind_session(db.session(), tenancy.engines, town)
            rng = random.Random(n)
            station = demo.WorkStation(name="一片区工作站", mode="region", coverage="一片区", host_enterprise="", status="active")
            db.session.add(station)
            db.session.flush()
            demo._people(db.session, rng, station, 1, dt.date.today(), password_hash)
            demo._enterprises(db.session, rng, station, "基准", "320600", 0, dt.date.today())
            counts.rebuild()
            db.session.commit()
            ids = db.session.scalars(sa.select(demo.Enterprise.id).order_by(demo.Enterprise.id)).all()
            db.session.remove()
            towns.append((town.slug, ids))
        tenancy.engines.dispose()
        db.engine.dispose()
    return towns, county.id


class Client:
    """One user agent with its own cookies; every request timed and checked."""

    def __init__(self, base: str, results: dict, errors: list):
        self.base, self.results, self.errors = base, results, errors
        self.fresh()

    def fresh(self) -> None:
        """A new cookie jar: the next login starts a new session, as a person signing in again."""
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def call(self, kind: str, path: str, data: dict | None = None, expect=(200,), headers=None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        except Exception as exc:  # refused, reset, timed out: an error of the run
            status, text = 0, repr(exc)
        self.results.setdefault(kind, []).append(time.perf_counter() - started)
        if status not in expect:
            self.errors.append(f"{kind} {path} → {status} {text[:200]}")
        return status, text

    def login(self, slug: str, username: str) -> None:
        self.fresh()
        token = TOKEN.search(self.call("login", f"/t/{slug}/login")[1]).group(1)
        self.call("login", f"/t/{slug}/login", {"csrf_token": token, "username": username, "password": PASSWORD}, expect=(302,))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer here, not a hop


def run_client(base, slug, enterprises, county_id, stop_at, results, errors, acknowledged, seed):
    rng, chief, reader = random.Random(seed), Client(base, results, errors), Client(base, results, errors)
    chief.login(slug, "chief1")
    reader.login("benchcounty", "admin")
    while time.monotonic() < stop_at:
        roll = rng.random()
        if roll < 0.1:
            chief.login(slug, "chief1")
        elif roll < 0.7:
            enterprise, task = rng.choice(enterprises), rng.choice(TASKS)
            path = f"/t/{slug}/checklist/{enterprise}/{YEAR}/{task}"
            _status, form = chief.call("edit", path, headers={"HX-Request": "true"})
            value = rng.randint(1, 10**6)
            match_token, match_version = TOKEN.search(form), VERSION.search(form)
            if not (match_token and match_version):
                errors.append(f"edit {path}: no form")
                continue
            status, _text = chief.call("save", path, {"csrf_token": match_token.group(1), "version": match_version.group(1),
                                                      "status": "planned", "planned_on": f"{YEAR}-12-01", "participants": str(value)},
                                       expect=(200,), headers={"HX-Request": "true"})
            if status == 200:  # acknowledged: it must be in the database afterwards
                acknowledged[(slug, enterprise, task)] = value
        else:
            for panel in ("checklist", "stations", "cases"):
                reader.call("dashboard", f"/t/benchcounty/dashboard/federations/{county_id}/panels/{panel}?year={YEAR}",
                            headers={"HX-Request": "true"})


def lost_writes(url: str, acknowledged: dict) -> list[str]:
    engine = sa.create_engine(url)
    lost = []
    with engine.connect() as conn:
        for (slug, enterprise, task), value in acknowledged.items():
            stored = conn.execute(sa.text(f'SELECT participants FROM "t_{slug}".checklist_items '
                                          "WHERE enterprise_id = :e AND year = :y AND task = :t"),
                                  {"e": enterprise, "y": YEAR, "t": task}).scalar()
            if stored != value:
                lost.append(f"{slug} enterprise {enterprise} {task}: acknowledged {value}, stored {stored}")
    engine.dispose()
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--federations", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--url", default="postgresql://postgres@localhost/postgres")
    args = parser.parse_args()
    from tenants.binding import normalise_url

    base_url = normalise_url(args.url)
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    url = base_url.set(database=BENCH_DB).render_as_string(hide_password=False)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        towns, county_id = build(url, args.federations)
        print(f"{args.federations} federations built; load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
        results, errors, acknowledged = {}, [], {}
        with tempfile.TemporaryDirectory() as tmp, gunicorn(url, Path(tmp) / "gunicorn.log") as base:
            stop_at = time.monotonic() + args.duration
            threads = []
            per_town = -(-args.clients // len(towns))
            for n in range(args.clients):
                slug, ids = towns[n % len(towns)]
                mine = ids[n // len(towns)::per_town]  # clients of one town own disjoint enterprises: no races
                threads.append(threading.Thread(target=run_client, args=(base, slug, mine, county_id, stop_at, results, errors, acknowledged, n)))
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        lost = lost_writes(url, acknowledged)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.dispose()
    total = sum(len(v) for v in results.values())
    print(f"\n{args.clients} clients, {args.federations} federations, {args.duration} s: {total} requests, {total / args.duration:.0f} requests/s")
    print("| kind | requests | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|")
    for kind, times in sorted(results.items()):
        cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(f"| {kind} | {len(times)} | {cuts[49] * 1000:.1f} | {cuts[94] * 1000:.1f} | {cuts[98] * 1000:.1f} |")
    print(f"errors: {len(errors)}; acknowledged saves checked: {len(acknowledged)}; lost writes: {len(lost)}")
    for line in (errors + lost)[:20]:
        print("  " + line)
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
