"""Province dashboard benchmark on PostgreSQL: the four panels' data over 200 and 2,000 federations.

1 province → 13 cities → counties (every 20th) → town/street/industry federations with 5 stations × 30
enterprises each, this year's checklist (5 tasks an enterprise, about half done, some N activities), 4
cases, 3 confirmed station scores and 10 meetings (6 last year, 4 this): ~1.5 M checklist items at 2,000. Real provisioning, bulk inserts,
then the summary by the app's own code (`counts.rebuild()` + REBUILDERS, as `jiceng summary rebuild`), in
--workers processes. Built to 200 federations, measured, grown to N in the same database, measured again:
the same province root and requests, only the tree below grows. VACUUM ANALYZE + CHECKPOINT before each.

Measured, as the province admin (Flask test client, `HX-Request: true`), --rounds GETs of
/t/<province>/dashboard/federations/<id>/panels/<checklist|stations|cases|reduction>?year=<this year>:
1. each panel request p50/p95, and the view's `_panel_data` alone      target p95 < 100 ms
2. `counts.totals_by_child` alone (the shared-schema query)             —
3. SQL statements per panel request                                     target: the same at 200 and N
4. p50 at N ÷ p50 at 200, per panel                                     target ≤ 1.5×
Checks: the subtree sums hold every enterprise and meeting built, and equal a recomputation from the
federations' counts (`counts.rebuild_subtree_sums`, rolled back).
In a throw-away database `jiceng_bench_dashboard` (dropped at the end, also on failure, unless --keep);
progress to stderr; exit 1 on a miss or a failed check. 10–15 minutes on 2 CPUs.

    python bench/dashboard.py [--federations 2000] [--small 200] [--rounds 100] [--workers 2] \
        [--url postgresql://postgres@localhost/postgres] [--keep]
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import os
import random
import re
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import sqlalchemy as sa

BENCH_DB = "jiceng_bench_dashboard"
PASSWORD = "bench-pass-1"
PANELS = ("checklist", "stations", "cases", "reduction")
MEETINGS = (6, 4)  # per town-level federation: last year, this year
TOWN_KINDS = ("town", "street", "industry")
SUFFIX = {"town": "镇", "street": "街道", "industry": "行业"}
STATIONS, ENTERPRISES = 5, 30  # per town-level federation; enterprises per station
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def config(url: str) -> dict:  # a cheap first-administrator hash: creating 2,000 tenants is setup here
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def tree(first: int, last: int) -> list[tuple[str, str, str, str | None]]:
    """(slug, name, kind, parent slug) of federations first..last-1; deterministic, so 0..199 are the same in any run."""
    out, counties = [("b0000", "基准省总工会", "province", None)], []
    for i in range(1, last):
        slug, town = f"b{i:04d}", "industry" if i % 10 == 5 else "street" if i % 3 == 0 else "town"
        out.append((slug, f"基准{i}市总工会", "city", "b0000") if i <= 13 else
                   (slug, f"基准{i}县总工会", "county", f"b{len(counties) % 13 + 1:04d}") if i % 20 == 14 else
                   (slug, f"基准{i}{SUFFIX[town]}工会", town, counties[i % len(counties)]))
        if out[-1][2] == "county":
            counties.append(slug)
    return out[first:]


def fill(session, rng: random.Random, today: dt.date) -> None:
    """One town-level federation's stations, enterprises, checklist, cases and scores, in bulk."""
    from app.checklist import rules as checklist_rules
    from app.checklist.models import ChecklistItem
    from app.delegation import rules as delegation_rules
    from app.delegation.models import DelegationCase
    from app.demo import stations as demo
    from app.grading.models import StationScore
    from app.reduction import rules as reduction_rules
    from app.reduction.models import Meeting
    from app.stations.models import Enterprise, EnterpriseStation, WorkStation
    from app.stations.uscc import example_uscc

    year, modes = today.year, ("industry", "region", "group")
    stations = session.execute(sa.insert(WorkStation).returning(WorkStation.id, sort_by_parameter_order=True), [
        {"name": f"第{n}片区工作站", "mode": modes[n % 3], "coverage": f"第{n}片区", "host_enterprise": "", "status": "active"}
        for n in range(1, STATIONS + 1)]).scalars().all()
    rows = [{"name": f"{rng.choice(demo.BRANDS)}{rng.choice(demo.BRANDS)}{rng.choice(demo.INDUSTRIES)}有限公司{n}",
             "uscc": example_uscc(n, "320600"), "industry": rng.choice(demo.INDUSTRIES), "workers": rng.randint(8, 800),
             "union_chair": demo._person(rng)} for n in range(1, STATIONS * ENTERPRISES + 1)]
    enterprises = session.execute(sa.insert(Enterprise).returning(Enterprise.id, sort_by_parameter_order=True), rows).scalars().all()
    session.execute(sa.insert(EnterpriseStation), [{"enterprise_id": e, "station_id": stations[n // ENTERPRISES],
                                                    "from_on": dt.date(year - 2, 1, 1)} for n, e in enumerate(enterprises)])
    items, first, last = [], dt.date(year, 1, 2), max(dt.date(year, 1, 3), today - dt.timedelta(days=1))
    for enterprise_id, row in zip(enterprises, rows):
        for task in [*checklist_rules.TASKS, *(["n"] if rng.random() < 0.5 else [])]:
            roll = 0.0 if task == "n" else rng.random()
            status = "done" if roll < 0.5 else "planned" if roll < 0.75 else "not_started"
            items.append(demo._item(rng, enterprise_id, year, task, status, dt.date(year, 12, 1) if status == "planned" else None,
                                    demo._day_between(rng, first, last) if status == "done" else None, row["workers"]))
    session.execute(sa.insert(ChecklistItem), items)
    cases = []
    for n, kind in enumerate(rng.sample(list(delegation_rules.KINDS), 4), start=1):
        status, opened = rng.choice(list(delegation_rules.STATUSES)), demo._day_between(rng, first, last)
        cases.append({"number": f"WT{year}-{n:04d}", "kind": kind, "title": f"基准案件{n}", "source": "station", "status": status,
                      "opened_on": opened, "opened_by": "admin", "due_on": opened + dt.timedelta(days=20) if status != "requested" else None,
                      "amount_recovered": rng.randint(0, 50000) if status in ("closed", "confirmed") else None})
    session.execute(sa.insert(DelegationCase), cases)
    session.execute(sa.insert(Meeting), [
        {"title": f"基准会议{n}", "department": "办公室", "held_on": dt.date(y, 3, 1), "year": y, "duration_minutes": 60,
         "kind": reduction_rules.WORK, "mode": rng.choice(list(reduction_rules.MEETING_MODES)), "created_by": "admin", "updated_by": "admin"}
        for y, k in zip((year - 1, year), MEETINGS) for n in range(k)])
    session.execute(sa.insert(StationScore), [{"station_id": s, "year": year, "status": "confirmed", "total": rng.randint(60, 98),
                                               "tier": rng.choice(["优秀", "良好", "合格"])} for s in stations[:3]])


_APP = None


def build(url: str, rows: list[tuple]) -> int:
    """In a worker process: provision each federation, fill it if town-level, and write its summary with
    the app's code (`counts.rebuild()` and the REBUILDERS in one transaction, as `jiceng summary rebuild`)."""
    global _APP
    from app import clock, create_app
    from app.extensions import db, tenancy
    from app.summaries import counts
    from tenants.binding import bind_session
    from tenants.cli import provision
    from tenants.provisioning import TenantSpec

    if _APP is None:
        for logger in ("tenants", "alembic"):  # one INFO line per tenant would drown the progress
            logging.getLogger(logger).setLevel(logging.WARNING)
        _APP = create_app(config(url))
    with _APP.app_context():
        for slug, name, kind, parent in rows:
            tenant = provision(TenantSpec(slug, name, kind, parent), {"admin": "admin", "password": PASSWORD})
            if kind in TOWN_KINDS:
                with db.tenant_session(tenancy.engines, tenant) as session:  # closed on the way out
                    fill(session, random.Random(slug), clock.today())
                    session.commit()
            bind_session(db.session(), tenancy.engines, tenant)
            try:
                counts.rebuild()
                for rebuild in counts.REBUILDERS:
                    rebuild(tenant)
                db.session.commit()
            finally:
                db.session.remove()
    return len(rows)


def grow(url: str, first: int, last: int, workers: int) -> float:
    """Federations first..last-1: the upper levels in this process first (parents before children),
    then the town-level ones in chunks over the worker processes; seconds."""
    started, rows = time.perf_counter(), tree(first, last)
    towns = [r for r in rows if r[2] in TOWN_KINDS]
    done = build(url, [r for r in rows if r[2] not in TOWN_KINDS])
    chunks = [towns[i:i + 20] for i in range(0, len(towns), 20)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for n in pool.map(build, [url] * len(chunks), chunks):
            done += n
            if done // 100 != (done - n) // 100 or done == len(rows):
                print(f"  built {done}/{len(rows)} federations ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    return time.perf_counter() - started


def p50_p95(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def timed(call, rounds: int) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return p50_p95(timings)


def sums_equal_a_recount(engine) -> bool:
    """The subtree sums the writes left equal those recomputed from every federation's counts."""
    from app.summaries.counts import SubtreeCount, rebuild_subtree_sums

    def read():
        return {tuple(r[:4]): r[4] for r in conn.execute(sa.select(SubtreeCount.ancestor_id, SubtreeCount.year, SubtreeCount.area,
                                                                  SubtreeCount.key, SubtreeCount.value).where(SubtreeCount.value != 0))}
    with engine.connect() as conn:  # a transaction of its own, rolled back
        kept = read()
        rebuild_subtree_sums(conn)
        equal = read() == kept
        conn.rollback()
    return equal


def measure(app, rounds: int) -> dict:
    """Per panel: request and data timings and statements; the shared query alone; the built totals.
    The requests run outside any app context, so each gets its own, as under a server."""
    from app import clock
    from app.dashboard import views
    from app.extensions import tenancy
    from app.summaries import counts
    from tenants import registry

    year, result = clock.today().year, {}
    with app.app_context():
        engine = tenancy.engines.shared
        result["sums_equal_a_recount"] = sums_equal_a_recount(engine)  # before VACUUM: it leaves dead rows
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE shared.tenants, shared.federation_counts, shared.subtree_counts")
            conn.exec_driver_sql("CHECKPOINT")  # the build's dirty pages are not the dashboard's to write
            root = registry.find_by_slug(conn, "b0000")
            result["built"] = (conn.scalar(sa.text("SELECT count(*) FROM shared.tenants")),
                               int(counts.subtree_totals(conn, root, year, "checklist").get("enterprises", 0)),
                               int(counts.subtree_totals(conn, root, year, "reduction").get("meetings", 0)))
            result["shared"] = timed(lambda: counts.totals_by_child(conn, root, year, "checklist"), rounds)
    client, original, data_times = app.test_client(), views._panel_data, []
    token = TOKEN.search(client.get("/t/b0000/login").get_data(as_text=True)).group(1)
    if client.post("/t/b0000/login", data={"csrf_token": token, "username": "admin", "password": PASSWORD}).status_code != 302:
        raise RuntimeError("the province admin could not sign in")

    def panel_data(*args):  # the view's own data function, timed
        started = time.perf_counter()
        data = original(*args)
        data_times.append(time.perf_counter() - started)
        return data

    views._panel_data = panel_data
    try:
        for panel in PANELS:
            path = f"/t/b0000/dashboard/federations/{root.id}/panels/{panel}?year={year}"
            get = lambda: client.get(path, headers={"HX-Request": "true"})  # noqa: E731
            seen: list[str] = []
            listener = lambda conn, cursor, statement, *rest: seen.append(" ".join(statement.split()))  # noqa: E731
            timed(get, 10)  # warm-up
            sa.event.listen(engine, "before_cursor_execute", listener)
            response = get()
            sa.event.remove(engine, "before_cursor_execute", listener)
            if response.status_code != 200 or "基准1市总工会" not in response.get_data(as_text=True):
                raise RuntimeError(f"the {panel} panel answered {response.status_code} without the first city")
            data_times.clear()
            result[panel] = {"request": timed(get, rounds), "data": p50_p95(data_times), "statements": seen}
    finally:
        views._panel_data = original
    return result


def run(url: str, args) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    from app import create_app
    from app.extensions import db, tenancy
    from tenants.cli import ensure_shared_schema

    app, rows, problems, results = create_app(config(url)), [], [], {}
    ms = lambda pair: f"p50 {pair[0] * 1e3:.1f} / p95 {pair[1] * 1e3:.1f} ms"  # noqa: E731
    with app.app_context():
        ensure_shared_schema()
    for first, last in ((0, args.small), (args.small, args.federations)):
        seconds = grow(url, first, last, args.workers)
        print(f"  built {last} federations in {seconds:.0f} s; load average {os.getloadavg()[0]:.2f}", flush=True)
        results[last] = r = measure(app, args.rounds)
        towns = sum(1 for row in tree(0, last) if row[2] in TOWN_KINDS)
        expected = (last, STATIONS * ENTERPRISES * towns, MEETINGS[1] * towns)
        if r["built"] != expected:
            problems.append(f"at {last}: (tenants, enterprises, meetings in the summary) {r['built']}, expected {expected}")
        if not r["sums_equal_a_recount"]:
            problems.append(f"at {last}: the subtree sums differ from a recomputation")
        print(f"  {last} federations, {r['built'][1]:,} enterprises, ~{r['built'][1] * 5.5:,.0f} checklist items", flush=True)
        for panel in PANELS:
            figure(rows, f"{panel} panel at {last} federations ({args.rounds} requests)", r[panel]["request"][1] < 0.100,
                   f"{ms(r[panel]['request'])} (data alone {ms(r[panel]['data'])})", "p95 < 100 ms")
        figure(rows, f"counts.totals_by_child (checklist) alone at {last} federations", True, ms(r["shared"]), "—")
    small, large = results[args.small], results[args.federations]
    figure(rows, f"SQL statements per panel request at {args.small} / {args.federations} federations",
           all(len(small[p]["statements"]) == len(large[p]["statements"]) for p in PANELS),
           ", ".join(f"{p} {len(small[p]['statements'])} / {len(large[p]['statements'])}" for p in PANELS), "the same")
    for p in PANELS:
        ratio = [large[p]["request"][i] / small[p]["request"][i] for i in (0, 1)]
        figure(rows, f"{p} panel, p50 at {args.federations} ÷ p50 at {args.small}", ratio[0] <= 1.5,
               f"{ratio[0]:.2f}× (p95: {ratio[1]:.2f}×)", "≤ 1.5×")
    print("  the statements of the stations panel request:", *(f"    {s[:160]}" for s in large["stations"]["statements"]), sep="\n")
    with app.app_context():
        tenancy.engines.dispose()
        db.engine.dispose()
    return rows, problems


def figure(rows: list, name: str, ok: bool, shown: str, target: str) -> None:
    rows.append((name, shown, target, "PASS" if ok else "MISS"))
    print(f"{name}: {shown} (target {target}) {rows[-1][3]}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--federations", type=int, default=2000, help="federations in the end")
    parser.add_argument("--small", type=int, default=200, help="federations at the first measurement")
    parser.add_argument("--rounds", type=int, default=100, help="measured requests per panel")
    parser.add_argument("--workers", type=int, default=2, help="processes filling tenants")
    parser.add_argument("--url", default="postgresql://postgres@localhost/postgres", help="server to use")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to look at query plans)")
    args = parser.parse_args()
    if not 20 <= args.small < args.federations or args.rounds < 2:
        parser.error("need 20 <= --small < --federations and --rounds >= 2")

    from tenants.binding import normalise_url

    base = normalise_url(args.url)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        rows, problems = run(base.set(database=BENCH_DB).render_as_string(hide_password=False), args)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.dispose()

    print("\n| measure | result | target | verdict |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    return 1 if problems or any(row[3] == "MISS" for row in rows) else 0


if __name__ == "__main__":  # the fill workers are spawned processes that re-import this file
    sys.exit(main())
