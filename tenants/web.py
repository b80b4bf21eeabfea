"""Binding a Flask request to the tenant named in its URL (``/t/<slug>/...``)."""
from __future__ import annotations

import contextlib
from pathlib import Path

from flask import Flask, abort, current_app, g, has_request_context
from werkzeug.local import LocalProxy

from . import registry
from .binding import TenantEngines, TenantSQLAlchemy, bind_session
from .registry import TenantRef

URL_PREFIX = "/t/<slug>"


class Tenancy:
    """Flask extension: resolves ``<slug>`` once per request and binds ``db.session`` to that tenant."""

    def __init__(self, app: Flask | None = None, db: TenantSQLAlchemy | None = None):
        self.db = db
        self.provision_hooks: list = []
        # Backups: export_hooks(tenant) → ArchiveFiles to add; import_hooks(tenant, files) after a restore.
        self.export_hooks: list = []
        self.import_hooks: list = []
        # drop_hooks(conn, tenant) in the transaction that drops a tenant, before its row goes.
        self.drop_hooks: list = []
        if app is not None:
            self.init_app(app, db)

    def init_app(self, app: Flask, db: TenantSQLAlchemy) -> None:
        self.db = db
        app.extensions["tenancy"] = self
        app.url_value_preprocessor(self._bind_from_url)
        app.url_defaults(self._add_slug)

    @property
    def engines(self) -> TenantEngines:
        app = current_app._get_current_object()
        engines = app.extensions.get("tenancy_engines")
        if engines is None or engines.shared is not self.db.engine:
            engines = TenantEngines(self.db.engine)
            app.extensions["tenancy_engines"] = engines
        return engines

    def _bind_from_url(self, endpoint, values):
        if not values or "slug" not in values:
            return
        slug = values.pop("slug")
        with self.engines.shared.connect() as conn:
            tenant = registry.find_by_slug(conn, slug)
        if tenant is None or not tenant.is_active:
            abort(404)
        g.tenant = tenant
        bind_session(self.db.session(), self.engines, tenant)

    def _add_slug(self, endpoint, values):
        if "slug" in values or not has_request_context():
            return
        tenant = g.get("tenant")
        if tenant is not None and current_app.url_map.is_endpoint_expecting(endpoint, "slug"):
            values["slug"] = tenant.slug

    def on_provision(self, hook):
        """Register ``hook(session, tenant, options)`` to run inside a new tenant's creating transaction."""
        self.provision_hooks.append(hook)
        return hook


def _current_tenant() -> TenantRef | None:
    return g.get("tenant") if has_request_context() else None


current_tenant: TenantRef | None = LocalProxy(_current_tenant)  # type: ignore[assignment]


def tenancy() -> Tenancy:
    return current_app.extensions["tenancy"]


def config_path(key: str) -> Path:
    return Path(current_app.config[key])


def tenant_tables() -> list:
    """The application's per-tenant tables: those of its metadata declared without a schema."""
    return [t for t in tenancy().db.metadata.sorted_tables if t.schema is None]


def registry_connection():
    """A connection to read the registry: the request's own when a tenant is bound (on SQLite a
    second connection would wait on the first one's lock), else a short one of the shared engine."""
    ext = tenancy()
    if has_request_context() and g.get("tenant") is not None:
        return contextlib.nullcontext(ext.db.session.connection())
    return ext.engines.shared.connect()


@contextlib.contextmanager
def reading(tenant: TenantRef):
    """Read another tenant's data (a descendant, after the caller checked access) in an app context
    and a read-only session of its own; the request's own session is untouched."""
    ext = tenancy()
    with current_app.app_context():
        g.tenant = tenant
        bind_session(ext.db.session(), ext.engines, tenant, read_only=True)
        try:
            yield ext.db.session
        finally:
            ext.db.session.remove()


@contextlib.contextmanager
def working_in(tenant: TenantRef):
    """Change another tenant's data (the caller checked it may) in an app context and a session of
    its own; the caller commits inside. The request's own transaction is ended first: on SQLite two
    writers would wait on each other's lock of the shared file."""
    ext = tenancy()
    ext.db.session.commit()
    with current_app.app_context():
        g.tenant = tenant
        bind_session(ext.db.session(), ext.engines, tenant)
        try:
            yield ext.db.session
        finally:
            ext.db.session.remove()
