"""`jiceng users ...`: the same account operations as the administrator's pages."""
from __future__ import annotations

import secrets
import sys

import click
from flask.cli import AppGroup

from app.extensions import db, tenancy
from tenants import registry

from . import rules, services
from .models import User

users_cli = AppGroup("users", help="Manage the accounts of a federation.")


def _tenant_or_exit(slug: str):
    with tenancy.engines.shared.connect() as conn:
        tenant = registry.find_by_slug(conn, slug)
    if tenant is None:
        click.echo(f"错误：{slug} 不存在", err=True)
        sys.exit(1)
    return tenant


def _session_for(slug: str):
    return db.tenant_session(tenancy.engines, _tenant_or_exit(slug))


@users_cli.command("create")
@click.argument("slug")
@click.argument("username")
@click.option("--role", type=click.Choice(list(rules.ROLES)), required=True)
@click.option("--password", required=True)
@click.option("--name", "display_name", default="")
def create_command(slug, username, role, password, display_name):
    """Create an account in the federation SLUG."""
    from tenants.binding import bind_session

    bind_session(db.session(), tenancy.engines, _tenant_or_exit(slug))
    try:
        user = services.create_user(username, role, password, actor="cli", display_name=display_name)
    except services.AccountError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"已创建 {slug} 的用户 {user.username}（{role}）")


@users_cli.command("list")
@click.option("--tenant", "slug", default=None, help="only this federation")
def list_command(slug):
    """One line per user: slug, username, role code (tab-separated)."""
    with tenancy.engines.shared.connect() as conn:
        tenants = [_tenant_or_exit(slug)] if slug else registry.all_tenants(conn)
    for tenant in tenants:
        session = db.tenant_session(tenancy.engines, tenant)  # one session per tenant: no stale identities
        try:
            for user in session.scalars(db.select(User).order_by(User.username)):
                click.echo(f"{tenant.slug}\t{user.username}\t{user.role}")
        finally:
            session.close()


@users_cli.command("reset-password")
@click.argument("slug")
@click.argument("username")
@click.option("--password", default=None, help="the new password; a random one is made and printed if omitted")
def reset_password_command(slug, username, password):
    """Set a new password (and lift any lock)."""
    from tenants.binding import bind_session

    bind_session(db.session(), tenancy.engines, _tenant_or_exit(slug))
    user = services.find_user(username)
    if user is None:
        click.echo(f"错误：{slug} 没有用户 {username}", err=True)
        sys.exit(1)
    generated = password is None
    password = password or secrets.token_urlsafe(9)
    try:
        services.reset_password(user, password, actor="cli")
    except services.AccountError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"已重置 {slug}/{user.username} 的密码" + (f"：{password}" if generated else ""))
