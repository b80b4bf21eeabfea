"""Tenancy benchmark on PostgreSQL: three figures against their targets.

1. creating one tenant with N already present (p50/p95/max over M creations)   target p95 < 300 ms
2. a migration run with nothing to do over N tenants (shared check + plan)      target < 2 s
3. adding a column and an index to every tenant (N+M) with the runner          target < 30 s

It builds a throw-away database `jiceng_bench` on the server of --url (dropped at the end, also on
failure), prints progress to stderr and the figures to stdout, and exits 1 if a target is missed.

    python bench/tenancy.py [--tenants 1000] [--extra 50] [--workers 2] \
        [--url postgresql://postgres@localhost/postgres]
"""
from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

BENCH_DB = "jiceng_bench"
OPTIONS = {"admin": "admin", "password": "bench-pass-1"}
EXTRA_REVISION = '''"""Benchmark only: one nullable column and its index on users."""
import sqlalchemy as sa
from alembic import op

revision = "bench_add_column"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("bench_note", sa.String(40), nullable=True))
    op.create_index("ix_users_bench_note", "users", ["bench_note"])


def downgrade() -> None:
    op.drop_index("ix_users_bench_note", table_name="users")
    op.drop_column("users", "bench_note")
'''


def progress(label: str, done: int, total: int) -> None:
    if done % 100 == 0 or done == total:
        print(f"  {label}: {done}/{total}", file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def figure(rows: list, name: str, value: float, shown: str, target: float) -> None:
    """Print one figure with its target and verdict, and keep it for the table."""
    limit = f"< {target * 1000:.0f} ms" if target < 1 else f"< {target:.0f} s"
    verdict = "PASS" if value < target else "MISS"
    print(f"{name}: {shown} (target {limit}) {verdict}", flush=True)
    rows.append((name, shown, limit, verdict))


def create_tenants(provision, TenantSpec, first: int, count: int, label: str) -> list[float]:
    """Create tenants b{first}..; the first one ever is a province, the rest its counties. Seconds each."""
    timings = []
    for i in range(first, first + count):
        spec = (TenantSpec("b0000", "基准省总工会", "province") if i == 0
                else TenantSpec(f"b{i:04d}", f"基准{i}县总工会", "county", "b0000"))
        started = time.perf_counter()
        provision(spec, OPTIONS)
        timings.append(time.perf_counter() - started)
        progress(label, i - first + 1, count)
    return timings


def extra_revision_tree(source: Path, head: str, into: Path) -> Path:
    """A copy of the tenant migrations with one more revision on top of `head`."""
    location = into / "tenant"
    shutil.copytree(source, location, ignore=shutil.ignore_patterns("__pycache__", "snapshot"))
    (location / "versions" / "9999_bench_add_column.py").write_text(EXTRA_REVISION.format(head=head))
    return location


def run(url: str, args) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Run the three measurements; (name, result, target, verdict) rows and failed checks."""
    from app import create_app
    from app.extensions import db, tenancy
    from tenants import migrate as migrations
    from tenants import registry
    from tenants.cli import ensure_shared_schema, provision
    from tenants.provisioning import TenantSpec

    # The production password hash (scrypt) on purpose: hashing the first administrator's
    # password is part of what creating a tenant costs.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    for name in ("tenants", "alembic"):  # one INFO line per tenant would drown the progress
        logging.getLogger(name).setLevel(logging.WARNING)
    rows, problems = [], []
    with app.app_context():
        engines = tenancy.engines
        shared_location = app.config["SHARED_MIGRATIONS"]
        tenant_location = app.config["TENANT_MIGRATIONS"]
        ensure_shared_schema()

        # 1. creation with N present
        create_tenants(provision, TenantSpec, 0, args.tenants, "setup: tenants created")
        timings = sorted(create_tenants(provision, TenantSpec, args.tenants, args.extra, "measured creations"))
        cuts = statistics.quantiles(timings, n=100, method="inclusive") if len(timings) > 1 else timings * 99
        p50, p95 = cuts[49], cuts[94]
        figure(rows, f"create a tenant with {args.tenants} present, {len(timings)} runs (p95)", p95,
               f"p50 {ms(p50)} / p95 {ms(p95)} / max {ms(timings[-1])}", 0.300)

        # 2. migration decision with nothing to do; the first run, on new connections, is what a CLI run pays
        db.engine.dispose()
        decisions = []
        for _ in range(3):
            started = time.perf_counter()
            changed = migrations.upgrade_shared(engines, shared_location)
            with engines.shared.connect() as conn:
                tenants = registry.all_tenants(conn)
            head, behind = migrations.plan(engines, tenants, tenant_location)
            decisions.append(time.perf_counter() - started)
            if changed or behind:
                problems.append(f"no-op decision: shared changed={changed}, {len(behind)} tenants behind")
        print(f"  no-op decision at {head}, warm reruns: {', '.join(ms(d) for d in decisions[1:])}")
        figure(rows, f"no-op migration decision, {len(tenants)} tenants", decisions[0], ms(decisions[0]), 2.0)
        command = noop_migrate_command(url)
        figure(rows, f"`jiceng tenants migrate` with nothing to do, {len(tenants)} tenants (process start included)",
               command, ms(command), 2.0)

        # 3. one new revision (column + index) applied to every tenant
        with tempfile.TemporaryDirectory(prefix="jiceng-bench-") as tmp:
            location = extra_revision_tree(Path(tenant_location), migrations.head_revision(tenant_location), Path(tmp))
            done = [0]

            def on_done(tenant, error):
                done[0] += 1
                progress("tenants migrated", done[0], len(tenants))

            started = time.perf_counter()
            report = migrations.migrate_tenants(engines, tenants, location, workers=args.workers, on_done=on_done)
            elapsed = time.perf_counter() - started
            new_head, still_behind = migrations.plan(engines, tenants, location)
        with engines.shared.connect() as conn:
            columns = conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.columns"
                " WHERE table_name = 'users' AND column_name = 'bench_note'").scalar()
        print(f"  {len(report.upgraded)} upgraded, {len(report.failed)} failed; afterwards plan finds "
              f"{len(still_behind)} behind {new_head}; {columns} users tables have bench_note")
        if report.failed:
            problems.append(f"{len(report.failed)} tenants failed, e.g. {next(iter(report.failed.items()))}")
        if still_behind or len(report.upgraded) != len(tenants) or columns != len(tenants):
            problems.append(f"after the run {len(still_behind)} tenants are behind {new_head}, {columns} have the column")
        figure(rows, f"add column + index to {len(tenants)} tenants ({args.workers} workers)",
               elapsed, f"{elapsed:.1f} s", 30.0)
        tenancy.engines.dispose()
        db.engine.dispose()
    return rows, problems


def noop_migrate_command(url: str) -> float:
    """Wall time of the real command in a new process, as an operator would run it."""
    import os
    import subprocess

    env = dict(os.environ, JICENG_DATABASE_URL=url, JICENG_SECRET_KEY="bench")
    code = "import sys; from app.cli import main; sys.argv = ['jiceng', 'tenants', 'migrate']; main()"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "无需迁移" not in done.stdout:
        raise RuntimeError(f"jiceng tenants migrate did not report a no-op: {done.stdout} {done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000, help="tenants present before measuring")
    parser.add_argument("--extra", type=int, default=50, help="measured creations")
    parser.add_argument("--workers", type=int, default=2, help="migration worker processes")
    parser.add_argument("--url", default="postgresql://postgres@localhost/postgres", help="server to use")
    args = parser.parse_args()
    if args.tenants < 1 or args.extra < 1:
        parser.error("--tenants and --extra must be at least 1")

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


if __name__ == "__main__":  # the migration workers are spawned processes that re-import this file
    sys.exit(main())
