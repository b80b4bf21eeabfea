"""The migration runner: only the tenants that are behind, a failure reported and passed by."""
import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import tenancy
from tenants import migrate as migrations
from tenants import registry
from tests.tenancy.schema_tools import migrations_with_extra_revision


def columns_and_indexes(engines, tenant):
    with engines.migration_connection(tenant.schema_name) as conn:
        inspector = sa.inspect(conn)
        return {c["name"] for c in inspector.get_columns("users")}, {i["name"] for i in inspector.get_indexes("users")}


def test_runner_adds_a_column_everywhere_reports_a_failure_and_a_second_run_does_nothing(app, make_tenant, tmp_path):
    a, b, c = make_tenant("town-a"), make_tenant("town-b"), make_tenant("town-c")
    with app.app_context():
        engines = tenancy.engines
        location = migrations_with_extra_revision(current_app.config["TENANT_MIGRATIONS"], tmp_path / "mig")
        # injected failure: town-b already has the column, so its ADD COLUMN fails
        with engines.migration_connection(b.schema_name) as conn:
            conn.exec_driver_sql("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")
        with engines.shared.connect() as conn:
            everyone = registry.all_tenants(conn)

        first = migrations.migrate_tenants(engines, everyone, location, workers=2)
        assert {t.slug for t in first.behind} == {"town-a", "town-b", "town-c"}
        assert sorted(t.slug for t in first.upgraded) == ["town-a", "town-c"]
        assert list(first.failed) == ["town-b"] and "nickname" in first.failed["town-b"]
        for tenant in (a, c):
            columns, indexes = columns_and_indexes(engines, tenant)
            assert "nickname" in columns and "ix_users_nickname" in indexes
        assert "ix_users_nickname" not in columns_and_indexes(engines, b)[1]  # its transaction rolled back whole
        assert migrations.tenant_revisions(engines, [b])[b.schema_name] != "x_nickname"

        with engines.migration_connection(b.schema_name) as conn:
            conn.exec_driver_sql("ALTER TABLE users DROP COLUMN nickname")
        second = migrations.migrate_tenants(engines, everyone, location, workers=1)
        assert [t.slug for t in second.upgraded] == ["town-b"] and not second.failed

        third = migrations.migrate_tenants(engines, everyone, location)
        assert third.nothing_to_do and third.upgraded == []
        assert set(migrations.tenant_revisions(engines, everyone).values()) == {"x_nickname"}


def test_migrate_command_reports_failures_and_then_says_there_is_nothing_to_do(app, make_tenant, tmp_path):
    make_tenant("town-a")
    broken = make_tenant("town-b")
    with app.app_context():
        location = migrations_with_extra_revision(current_app.config["TENANT_MIGRATIONS"], tmp_path / "mig")
        with tenancy.engines.migration_connection(broken.schema_name) as conn:
            conn.exec_driver_sql("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")
    app.config["TENANT_MIGRATIONS"] = str(location)
    runner = app.test_cli_runner()

    failing = runner.invoke(args=["tenants", "migrate", "--workers", "2"])
    assert failing.exit_code == 1
    assert "已迁移 1 个租户到 x_nickname，失败 1 个" in failing.output
    assert "失败 town-b" in failing.output

    with app.app_context(), tenancy.engines.migration_connection(broken.schema_name) as conn:
        conn.exec_driver_sql("ALTER TABLE users DROP COLUMN nickname")
    assert runner.invoke(args=["tenants", "migrate"]).exit_code == 0
    again = runner.invoke(args=["tenants", "migrate"])
    assert again.exit_code == 0 and "无需迁移" in again.output


@pytest.mark.only_on("postgresql")
def test_a_second_migrate_sends_no_create_schema_at_all(app, make_tenant):
    """On Citus with schema-based sharding on, even CREATE SCHEMA IF NOT EXISTS "shared" would make the shared
    schema a distributed one: once it exists, a migration must not issue the statement again."""
    make_tenant("town-a")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tenants", "migrate"]).exit_code == 0
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        again = runner.invoke(args=["tenants", "migrate"])
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert again.exit_code == 0, again.output
    assert any("pg_namespace" in s for s in sent)  # the listener saw the shared migration's statements
    assert not [s for s in sent if "CREATE SCHEMA" in s.upper()]
