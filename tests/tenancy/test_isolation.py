"""Nothing of one tenant is reachable from another's session, whatever is typed."""
import random
import threading

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db, tenancy
from tenants import CrossTenantSession, NoTenantBound, registry
from tenants.binding import bind_session
from tests.conftest import in_tenant, make_app


def usernames(app, tenant):
    with in_tenant(app, tenant) as session:
        return set(session.scalars(sa.select(User.username)))


def test_write_in_a_and_b_sees_nothing(app, make_tenant, make_user):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    make_user(a, "only-in-a")
    assert "only-in-a" in usernames(app, a)
    assert usernames(app, b) == {"admin"}


def test_tenant_tables_are_out_of_reach_with_no_tenant_bound(app, make_tenant):
    make_tenant("town-a")
    with app.app_context():
        with pytest.raises(NoTenantBound):
            db.session.scalars(sa.select(User)).all()


def test_a_bound_session_refuses_a_second_tenant(app, make_tenant):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    with in_tenant(app, a) as session:
        with pytest.raises(CrossTenantSession):
            bind_session(session(), tenancy.engines, b)


def test_many_threads_switching_tenants_on_a_small_pool_stay_in_their_tenant(database_url, make_tenant, app):
    tenants = [make_tenant(f"town-{i}") for i in range(4)]
    small = make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2, "max_overflow": 0, "pool_timeout": 30})
    errors: list[str] = []
    rng = random.Random(2026)
    plans = [[rng.choice(tenants) for _ in range(12)] for _ in range(6)]

    def worker(number, plan):
        for step, tenant in enumerate(plan):
            try:
                with in_tenant(small, tenant) as session:
                    session.add(User(username=f"{tenant.slug}.w{number}.{step}", role="viewer", password_hash="x"))
                    session.commit()
                    seen = session.scalars(sa.select(User.username)).all()
                    strangers = [u for u in seen if u != "admin" and not u.startswith(tenant.slug + ".")]
                    if strangers:
                        errors.append(f"{tenant.slug} saw {strangers}")
            except Exception as exc:  # collected and asserted below
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n, plan)) for n, plan in enumerate(plans)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with small.app_context():
        tenancy.engines.dispose()
        db.engine.dispose()
    assert errors == []
    for tenant in tenants:
        expected = sum(1 for plan in plans for t in plan if t == tenant)
        assert len(usernames(app, tenant)) == expected + 1  # plus the admin


def test_after_an_error_and_rollback_the_next_request_reaches_the_right_tenant(database_url, make_tenant, make_user):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    a, b = make_tenant("town-a"), make_tenant("town-b")
    make_user(b, "only-in-b")

    @app.route("/t/<slug>/boom")
    def boom():
        db.session.add(User(username="admin", role="viewer", password_hash="x"))  # duplicate username
        db.session.flush()
        return "unreachable"

    @app.route("/t/<slug>/names")
    def names():
        return ",".join(sorted(db.session.scalars(sa.select(User.username))))

    client = app.test_client()
    assert client.get("/t/town-a/boom").status_code == 500
    assert client.get("/t/town-b/names").get_data(as_text=True) == "admin,only-in-b"
    assert client.get("/t/town-a/names").get_data(as_text=True) == "admin"
    with app.app_context():
        tenancy.engines.dispose()
        db.engine.dispose()


@pytest.mark.only_on("postgresql")
def test_raw_sql_without_a_schema_fails_on_postgresql(app, make_tenant):
    tenant = make_tenant("town-a")
    with in_tenant(app, tenant) as session:
        with pytest.raises(sa.exc.ProgrammingError, match="does not exist"):
            session.execute(sa.text("SELECT username FROM users")).all()
        session.rollback()
        assert session.execute(sa.text("SHOW search_path")).scalar() == ""


def test_a_dropped_tenant_is_404_not_data_or_500(app, client, make_tenant, login_as):
    tenant = make_tenant("town-a")
    assert login_as(tenant).status_code == 302
    assert client.get("/t/town-a/").status_code == 200
    with app.app_context():
        from tenants.provisioning import drop_tenant

        drop_tenant(tenancy.engines, "town-a")
    for path in ("/t/town-a/", "/t/town-a/login", "/t/town-a/admin/users"):
        response = client.get(path)
        assert response.status_code == 404
        assert "页面不存在" in response.get_data(as_text=True)


def test_a_disabled_tenant_is_404(app, client, make_tenant):
    make_tenant("town-a")
    with app.app_context():
        from tenants.provisioning import set_status

        set_status(tenancy.engines, "town-a", "disabled")
    assert client.get("/t/town-a/login").status_code == 404


def test_an_unknown_slug_is_a_chinese_404(client):
    response = client.get("/t/no-such-federation/login")
    assert response.status_code == 404
    assert "您访问的工会或页面不存在" in response.get_data(as_text=True)


def test_shared_and_tenant_writes_commit_or_roll_back_together(app, make_tenant):
    tenant = make_tenant("town-a", name="甲镇总工会")
    table = registry.tenants_table
    with in_tenant(app, tenant) as session:
        session.execute(sa.update(table).where(table.c.id == tenant.id).values(name="改名总工会"))
        session.add(User(username="zhangsan", role="viewer", password_hash="x"))
        session.flush()
        session.rollback()
    assert usernames(app, tenant) == {"admin"}
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert registry.get_by_id(conn, tenant.id).name == "甲镇总工会"
    with in_tenant(app, tenant) as session:
        session.execute(sa.update(table).where(table.c.id == tenant.id).values(name="改名总工会"))
        session.add(User(username="zhangsan", role="viewer", password_hash="x"))
        session.commit()
    assert usernames(app, tenant) == {"admin", "zhangsan"}
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert registry.get_by_id(conn, tenant.id).name == "改名总工会"


@pytest.mark.only_on("sqlite")
def test_sqlite_files_use_the_rollback_journal_not_wal(app, make_tenant):
    tenant = make_tenant("town-a")
    with in_tenant(app, tenant) as session:
        modes = {name: session.execute(sa.text(f"PRAGMA {name}.journal_mode")).scalar() for name in ("main", "shared")}
    assert modes == {"main": "delete", "shared": "delete"}

