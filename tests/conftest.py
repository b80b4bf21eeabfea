"""Fixtures: every app-level test runs on SQLite and on PostgreSQL.

PostgreSQL comes from JICENG_TEST_DATABASE_URL (a server the tests may create a database on). When it
is unset the PostgreSQL half is skipped with a visible reason, unless JICENG_REQUIRE_POSTGRES=1
(as in CI), in which case the run fails instead.
"""
from __future__ import annotations

import itertools
import os

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth import services as account_services
from app.extensions import db, tenancy
from tenants import registry
from tenants.binding import bind_session, normalise_url
from tenants.cli import ensure_shared_schema, provision
from tenants.provisioning import TenantSpec, drop_tenant

PASSWORD = "correct-horse-9"
_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.only_on("postgresql")`: a property of one backend is not run (nor skipped) on the other."""
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("only_on")
        backend = getattr(item, "callspec", None) and item.callspec.params.get("database_url")
        (drop if marker and backend and backend not in marker.args else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, dropped at the end (None: not configured)."""
    base = os.environ.get("JICENG_TEST_DATABASE_URL")
    if not base:
        if os.environ.get("JICENG_REQUIRE_POSTGRES") == "1":
            pytest.fail("JICENG_REQUIRE_POSTGRES=1 but JICENG_TEST_DATABASE_URL is not set")
        yield None
        return
    base_url = normalise_url(base)
    name = f"jiceng_test_{os.getpid()}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {base_url.render_as_string()} cannot be reached: {exc}")
    yield base_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, postgres_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'jiceng.db'}"
    if postgres_url is None:
        pytest.skip("PostgreSQL half skipped: set JICENG_TEST_DATABASE_URL to run it")
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path, postgres_url):
    """A database with nothing in it, on each backend, for migration tests that start from a bare schema."""
    if request.param == "sqlite":
        (tmp_path / "db").mkdir()
        yield f"sqlite:///{tmp_path / 'db' / 'jiceng.db'}"
        return
    if postgres_url is None:
        pytest.skip("PostgreSQL half skipped: set JICENG_TEST_DATABASE_URL to run it")
    name = f"jiceng_empty_{os.getpid()}"
    admin = sa.create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield normalise_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "jiceng.test",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        ensure_shared_schema()
    yield app
    with app.app_context():
        _drop_all_tenants()
        tenancy.engines.dispose()
        db.engine.dispose()


def _drop_all_tenants():
    from app.auth.models import LoginFailure

    engines = tenancy.engines
    with engines.shared.connect() as conn:
        tenants = registry.all_tenants(conn)
    for tenant in sorted(tenants, key=lambda t: -t.depth):  # leaves first
        drop_tenant(engines, tenant.slug)
    with engines.shared.connect() as conn, conn.begin():  # per-address login failures are not a tenant's
        conn.execute(sa.delete(LoginFailure))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_tenant(app):
    """make_tenant(slug=None, kind="town", parent=None, admin="admin") -> TenantRef."""

    def factory(slug=None, *, kind="town", parent=None, name=None, region=None, admin="admin", password=PASSWORD):
        slug = slug or f"fed{next(_counter)}"
        with app.app_context():
            return provision(
                TenantSpec(slug, name or f"{slug}总工会", kind, parent.slug if parent else None, region),
                {"admin": admin, "password": password},
            )

    return factory


@pytest.fixture
def make_user(app):
    def factory(tenant, username, role="viewer", password=PASSWORD):
        with app.app_context():
            bind_session(db.session(), tenancy.engines, tenant)
            user = account_services.create_user(username, role, password, actor="test")
            db.session.commit()
            return user.id

    return factory


@pytest.fixture
def login_as(client):
    def login(tenant, username="admin", password=PASSWORD, follow=False):
        return client.post(
            f"/t/{tenant.slug}/login", data={"username": username, "password": password}, follow_redirects=follow
        )

    return login


def in_tenant(app, tenant):
    """An app context whose db.session is bound to the tenant."""

    class _Context:
        def __enter__(self):
            self.ctx = app.app_context()
            self.ctx.push()
            bind_session(db.session(), tenancy.engines, tenant)
            return db.session

        def __exit__(self, *exc):
            db.session.remove()
            self.ctx.pop()

    return _Context()
