"""Binding database work to one tenant.

PostgreSQL: one engine and one pool; a tenant is a cached
``engine.execution_options(schema_translate_map={None: schema})`` so every statement names the
tenant's schema and nothing is left on a pooled connection. The pool's connections have an empty
``search_path``, so unqualified raw SQL fails instead of reading some other schema.

SQLite: the shared registry is one file; each tenant is a file of its own whose engine opens it as
``main`` and attaches the shared file as ``shared``. Both use the rollback journal (not WAL), so a
commit that touches the tenant and the shared file is atomic.

The ORM session picks its engine in ``get_bind``: the bound tenant's engine for everything once a
tenant is bound, the shared engine for shared tables otherwise, and an error for tenant tables when
no tenant is bound (fail closed).
"""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession

from .registry import TenantRef
from .schema import SHARED_SCHEMA, quote_schema

TENANT_KEY = "tenant"
ENGINE_KEY = "tenant_engine"


class NoTenantBound(RuntimeError):
    """Tenant data was touched with no tenant bound."""


class CrossTenantSession(RuntimeError):
    """A session bound to one tenant was asked to serve another."""


def normalise_url(url: str | sa.URL) -> sa.URL:
    """postgresql:// means psycopg 3; anything else is taken as given."""
    url = sa.make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def is_sqlite(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_directory(url: sa.URL) -> Path:
    """Where the tenant files live: beside the shared file."""
    if not url.database or url.database == ":memory:":
        raise ValueError("SQLite needs a database file: sqlite:///PATH/jiceng.db")
    return Path(url.database).resolve().parent


def _install_sqlite_pragmas(engine: sa.Engine, attach_shared: Path | None) -> None:
    # pysqlite's own transaction handling defers BEGIN and ignores DDL; SQLAlchemy's documented
    # recipe turns it off and emits BEGIN itself. IMMEDIATE takes the write lock up front, so two
    # connections never deadlock on a lock upgrade (the embedded default favours safety over
    # concurrency; PostgreSQL is the production database).
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_timeout_ms('JICENG_DB_BUSY_TIMEOUT_MS', 15000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = DELETE")
        if attach_shared is not None:
            cursor.execute("ATTACH DATABASE ? AS shared", (str(attach_shared),))
            cursor.execute("PRAGMA shared.journal_mode = DELETE")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn):
        # A read-only unit of work (read_only=True) only needs a shared lock, and must not wait on
        # the request's own write lock when it reads another tenant's file (drill-down pages).
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")


def _timeout_ms(name: str, default: int) -> int:
    """A timeout in milliseconds from the environment (JICENG_DB_*), else the default."""
    value = os.environ.get(name, "")
    return int(value) if value.strip().isdigit() else default


def engine_options_for(url: sa.URL) -> dict:
    """create_engine() options for the shared engine of a database URL.

    Timeouts, each configurable: JICENG_DB_CONNECT_TIMEOUT (seconds, default 3) bounds reaching a
    server that is down or frozen; JICENG_DB_STATEMENT_TIMEOUT_MS (default 4000) and
    JICENG_DB_LOCK_TIMEOUT_MS (default 3000) bound a statement the server is slow to answer or that
    waits on a lock; on SQLite, JICENG_DB_BUSY_TIMEOUT_MS (default 15000) bounds the wait for the file's
    write lock. Past any of them the request gets the app's Chinese 503, not a hung worker. Migrations
    run on their own engine, without the statement timeout."""
    if is_sqlite(url):
        # The shared file is `main` here; shared tables are declared in schema "shared".
        return {"execution_options": {"schema_translate_map": {SHARED_SCHEMA: None}}}
    statement = _timeout_ms("JICENG_DB_STATEMENT_TIMEOUT_MS", 4000)
    lock = _timeout_ms("JICENG_DB_LOCK_TIMEOUT_MS", 3000)
    return {
        # An unreachable server fails within seconds rather than hanging a worker; checked-out
        # connections are pinged, so a restarted server is picked up without restarting the app.
        "connect_args": {"options": f"-c search_path= -c statement_timeout={statement} -c lock_timeout={lock}",
                         "connect_timeout": _timeout_ms("JICENG_DB_CONNECT_TIMEOUT", 3)},
        "pool_pre_ping": True,
    }


def create_shared_engine(url: str | sa.URL, **options) -> sa.Engine:
    url = normalise_url(url)
    merged = engine_options_for(url)
    for key, value in options.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    if is_sqlite(url):
        sqlite_directory(url).mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, **merged)
    if is_sqlite(url):
        _install_sqlite_pragmas(engine, attach_shared=None)
    return engine


class TenantEngines:
    """The shared engine and one cached engine per tenant, for one database."""

    def __init__(self, shared_engine: sa.Engine, *, tenant_pool_size: int = 3):
        self.shared = shared_engine
        self.url = shared_engine.url
        self.is_sqlite = is_sqlite(self.url)
        self._tenant_pool_size = tenant_pool_size
        self._cache: dict[str, sa.Engine] = {}
        self._lock = threading.Lock()

    @property
    def directory(self) -> Path:
        return sqlite_directory(self.url)

    def tenant_file(self, schema: str) -> Path:
        quote_schema(schema)
        return self.directory / f"{schema}.db"

    def for_schema(self, schema: str) -> sa.Engine:
        engine = self._cache.get(schema)
        if engine is None:
            with self._lock:
                engine = self._cache.get(schema)
                if engine is None:
                    engine = self._make_tenant_engine(schema)
                    self._cache[schema] = engine
        return engine

    def for_tenant(self, tenant: TenantRef) -> sa.Engine:
        return self.for_schema(tenant.schema_name)

    def _make_tenant_engine(self, schema: str) -> sa.Engine:
        quote_schema(schema)
        if not self.is_sqlite:
            return self.shared.execution_options(schema_translate_map={None: schema})
        engine = sa.create_engine(
            self.url.set(database=str(self.tenant_file(schema))),
            pool_size=self._tenant_pool_size,
            max_overflow=5,
        )
        _install_sqlite_pragmas(engine, attach_shared=Path(self.url.database).resolve())
        return engine

    def forget(self, schema: str) -> None:
        """Drop a cached tenant engine (after the tenant is dropped)."""
        with self._lock:
            engine = self._cache.pop(schema, None)
        if engine is not None and self.is_sqlite:
            engine.dispose()

    def dispose(self) -> None:
        with self._lock:
            engines, self._cache = list(self._cache.values()), {}
        if self.is_sqlite:
            for engine in engines:
                engine.dispose()

    @contextlib.contextmanager
    def migration_connection(self, schema: str | None):
        """A dedicated connection (not from the app pool) whose unqualified SQL lands in one schema.

        Alembic's add_column/alter_column ignore schema_translate_map, so migrations stay
        unqualified and this connection points them at the right schema. ``schema=None`` is the
        shared schema. The caller runs everything in one transaction; search_path is SET LOCAL.
        """
        if self.is_sqlite:
            database = self.url.database if schema is None else str(self.tenant_file(schema))
            engine = sa.create_engine(self.url.set(database=database), poolclass=sa.pool.NullPool)
            _install_sqlite_pragmas(engine, attach_shared=None)
            try:
                with engine.connect() as conn, conn.begin():
                    yield conn
            finally:
                engine.dispose()
            return
        engine = _migration_engine(self.url)
        with engine.connect() as conn:
            with conn.begin():
                target = SHARED_SCHEMA if schema is None else schema
                if schema is None:
                    # Only when missing: on Citus with schema-based sharding on, even a no-op
                    # CREATE SCHEMA IF NOT EXISTS would register `shared` as a distributed schema.
                    exists = conn.execute(sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :name"),
                                          {"name": SHARED_SCHEMA}).first()
                    if exists is None:
                        conn.exec_driver_sql(f'CREATE SCHEMA "{SHARED_SCHEMA}"')
                else:
                    quote_schema(schema)
                conn.exec_driver_sql(f'SET LOCAL search_path TO "{target}"')
                yield conn


_migration_engines: dict[str, sa.Engine] = {}
_migration_lock = threading.Lock()


def _migration_engine(url: sa.URL) -> sa.Engine:
    key = url.render_as_string(hide_password=False)
    with _migration_lock:
        engine = _migration_engines.get(key)
        if engine is None:
            engine = sa.create_engine(url, pool_size=8, max_overflow=0, pool_pre_ping=True)
            _migration_engines[key] = engine
        return engine


class TenantSession(FlaskSession):
    """A Flask-SQLAlchemy session that runs on the bound tenant's engine, or fails closed."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is not None:
            return bind
        engine = self.info.get(ENGINE_KEY)
        if engine is not None:
            return engine
        if _only_shared_tables(mapper, clause):
            return self._db.engine
        raise NoTenantBound("no tenant is bound to this session; tenant data is out of reach")


def _only_shared_tables(mapper, clause) -> bool:
    tables: list = []
    if mapper is not None:
        tables.append(sa.inspect(mapper).local_table)
    elif isinstance(clause, sa.Table):
        tables.append(clause)
    elif isinstance(clause, sa.sql.dml.UpdateBase):
        tables.append(clause.table)
    elif isinstance(clause, sa.Select):
        tables.extend(clause.get_final_froms())
    return bool(tables) and all(getattr(t, "schema", None) == SHARED_SCHEMA for t in tables)


def bind_session(session: sa_orm.Session, engines: TenantEngines, tenant: TenantRef, *, read_only: bool = False) -> None:
    """Bind a session to one tenant for the rest of its life."""
    current = session.info.get(TENANT_KEY)
    if current is not None:
        if current.schema_name != tenant.schema_name:
            raise CrossTenantSession(f"session bound to {current.slug} cannot serve {tenant.slug}")
        return
    if session.in_transaction():
        raise CrossTenantSession("bind the session to its tenant before it does any work")
    engine = engines.for_tenant(tenant)
    session.info[TENANT_KEY] = tenant
    session.info[ENGINE_KEY] = engine.execution_options(read_only=True) if read_only else engine


def bound_tenant(session: sa_orm.Session) -> TenantRef | None:
    return session.info.get(TENANT_KEY)


class TenantSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose engine is the tenancy layer's shared engine and whose session binds to tenants."""

    def __init__(self, **kwargs):
        session_options = kwargs.pop("session_options", {}) or {}
        session_options.setdefault("class_", TenantSession)
        super().__init__(session_options=session_options, **kwargs)

    def _make_engine(self, bind_key, options, app):
        options = dict(options)
        url = options.pop("url")
        return create_shared_engine(url, **options)

    def tenant_session(self, engines: TenantEngines, tenant: TenantRef, *, read_only: bool = False) -> TenantSession:
        """A fresh session for one tenant unit of work (CLI loops, reading a subtree); the caller closes it."""
        session = TenantSession(db=self)
        bind_session(session, engines, tenant, read_only=read_only)
        return session
