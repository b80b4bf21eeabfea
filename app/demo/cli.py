"""`jiceng demo`: a realistic province on the current database, safe to run twice."""
from __future__ import annotations

import random
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app import clock
from app.auth.rules import password_problem
from app.summaries import counts
from app.extensions import db, tenancy
from app.stations.models import WorkStation
from tenants import registry
from tenants.binding import bind_session
from tenants.cli import ensure_shared_schema, provision
from tenants.provisioning import TenantSpec

from . import reduction as demo_reduction
from . import stations as demo_stations
from .federations import DEMO_FEDERATIONS

DEMO_SLUGS = {f.slug for f in DEMO_FEDERATIONS}


@click.command("demo")
@click.option("--password", default=None, help="password for every demo account (default: the documented one)")
@with_appcontext
def demo_command(password):
    """Build the demo province (江苏省总工会 and everything below it) and print the logins."""
    password = password or current_app.config["DEMO_PASSWORD"]
    problem = password_problem(password)
    if problem:
        click.echo(f"错误：{problem}", err=True)
        sys.exit(1)
    ensure_shared_schema()
    with tenancy.engines.shared.connect() as conn:
        existing = {t.slug for t in registry.all_tenants(conn)}
    started, created = time.perf_counter(), 0
    for federation in DEMO_FEDERATIONS:
        if federation.slug in existing:
            continue
        provision(
            TenantSpec(federation.slug, federation.name, federation.kind, federation.parent_slug, federation.region_code),
            {"admin": "admin", "password": password},
        )
        created += 1
    stations, enterprises, station_logins = _build_stations(password)
    _build_reduction()
    elapsed = time.perf_counter() - started
    click.echo(f"演示数据：新建 {created} 个工会，已有 {len(DEMO_FEDERATIONS) - created} 个；"
               f"新建 {stations} 个工作站、{enterprises} 家企业（{elapsed:.1f} 秒）。")
    click.echo("登录地址（用户名 admin，密码%s）：" % ("为 --password 所给" if password != current_app.config["DEMO_PASSWORD"] else f" {password}"))
    for federation in DEMO_FEDERATIONS:
        extra = station_logins.get(federation.slug)
        click.echo(f"  /t/{federation.slug}/login\t{federation.name}" + (f"\t站长/副站长：{extra}" if extra else ""))


STATION_KINDS = ("town", "street", "industry")


def _build_stations(password: str) -> tuple[int, int, dict[str, str]]:
    """Stations, enterprises and checklists for every town, street and industry federation."""
    password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    today, stations, enterprises, logins = clock.today(), 0, 0, {}
    with tenancy.engines.shared.connect() as conn:
        everyone = registry.all_tenants(conn)
    targets = [t for t in everyone if t.kind in STATION_KINDS and t.slug in DEMO_SLUGS]
    parents = {t.id: t for t in everyone}
    for tenant in targets:
        bind_session(db.session(), tenancy.engines, tenant)  # one session per federation
        try:
            built = demo_stations.build(db.session, tenant, today, password_hash)
            if built["stations"]:
                rng = random.Random(f"{tenant.slug}/more")
                demo_stations.grade_last_year(rng, today.year - 1)
                demo_stations.open_cases(rng, parents.get(tenant.parent_id), today)
                counts.rebuild()
            db.session.commit()
        finally:
            db.session.remove()
        stations += built["stations"]
        enterprises += built["enterprises"]
        count = built["stations"] or _station_count(tenant)
        logins[tenant.slug] = f"chief1–chief{count}, deputy1–deputy{count}"
    return stations, enterprises, logins


UPPER_KINDS = ("province", "city", "county")


def _build_reduction() -> None:
    """Documents, meetings and inspections for the province, cities and counties (parents first,
    so that each one's duplication check has its superiors' documents)."""
    today = clock.today()
    with tenancy.engines.shared.connect() as conn:
        everyone = registry.all_tenants(conn)
    by_id = {t.id: t for t in everyone}
    bodies: dict[int, tuple[str, str]] = {}
    for tenant in [t for t in everyone if t.kind in UPPER_KINDS and t.slug in DEMO_SLUGS]:
        children = [t for t in everyone if t.parent_id == tenant.id]
        bind_session(db.session(), tenancy.engines, tenant)
        try:
            made = demo_reduction.build(tenant, children, today)
            parent = by_id.get(tenant.parent_id)
            if made and tenant.kind == "county" and parent and parent.id in bodies:
                parent_body, parent_place = bodies[parent.id]
                demo_reduction.copy_from_parent(parent_body, parent_place, tenant.name.replace("总工会", ""), today)
            body = demo_reduction.first_body(today.year)
            if body:
                bodies[tenant.id] = (body, tenant.name.replace("总工会", ""))
            db.session.commit()
        finally:
            db.session.remove()


def _station_count(tenant) -> int:
    session = db.tenant_session(tenancy.engines, tenant)
    try:
        return session.scalar(sa.select(sa.func.count()).select_from(WorkStation))
    finally:
        session.close()
