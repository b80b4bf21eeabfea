"""`jiceng demo`: a realistic province on the current database, safe to run twice."""
from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.auth.rules import password_problem
from app.extensions import tenancy
from tenants import registry
from tenants.cli import ensure_shared_schema, provision
from tenants.provisioning import TenantSpec

from .federations import DEMO_FEDERATIONS


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
    elapsed = time.perf_counter() - started
    click.echo(f"演示数据：新建 {created} 个工会，已有 {len(DEMO_FEDERATIONS) - created} 个（{elapsed:.1f} 秒）。")
    click.echo("登录地址（用户名 admin，密码%s）：" % ("为 --password 所给" if password != current_app.config["DEMO_PASSWORD"] else f" {password}"))
    for federation in DEMO_FEDERATIONS:
        click.echo(f"  /t/{federation.slug}/login\t{federation.name}")
