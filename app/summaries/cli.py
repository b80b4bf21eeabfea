"""`jiceng summary rebuild [--tenant SLUG]`: recount the shared summaries from the tenant data."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.extensions import db, tenancy
from tenants import registry
from tenants.binding import bind_session

from app.summaries import counts

summary_cli = AppGroup("summary", help="The shared summaries that upper federations read.")


@summary_cli.command("rebuild")
@click.option("--tenant", "slug", default=None, help="only this federation")
def rebuild_command(slug):
    """Recount every federation's summaries (or one's), one transaction per federation, then every
    ancestor's subtree sums from them (one statement, for all federations)."""
    with tenancy.engines.shared.connect() as conn:
        tenants = registry.all_tenants(conn)
    if slug:
        tenants = [t for t in tenants if t.slug == slug]
        if not tenants:
            click.echo(f"错误：{slug} 不存在", err=True)
            sys.exit(1)
    for tenant in tenants:
        bind_session(db.session(), tenancy.engines, tenant)
        try:
            rows = counts.rebuild()
            for rebuild in counts.REBUILDERS:
                rebuild(tenant)
            db.session.commit()
        finally:
            db.session.remove()
        click.echo(f"{tenant.slug}\t{rows}")
    with tenancy.engines.shared.begin() as conn:
        sums = counts.rebuild_subtree_sums(conn)
    click.echo(f"已重算 {len(tenants)} 个工会的汇总数据，各级合计 {sums} 行。")
