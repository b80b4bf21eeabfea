"""New tenants are built from a rendered snapshot that cannot drift from the migrations."""
import sqlalchemy as sa
from flask import current_app

from app.extensions import tenancy
from tenants import migrate as migrations
from tenants import snapshot
from tenants.schema import quote_schema
from tenants.web import config_path, tenant_tables
from tests.tenancy.schema_tools import describe


def test_the_committed_snapshot_is_rendered_from_the_models_at_the_migrations_head(app):
    with app.app_context():
        head = migrations.head_revision(config_path("TENANT_MIGRATIONS"))
        from sqlalchemy.dialects import postgresql, sqlite

        for name, dialect in (("postgresql", postgresql.dialect()), ("sqlite", sqlite.dialect())):
            committed = snapshot.path_for(config_path("TENANT_SNAPSHOT_DIR"), name).read_text(encoding="utf-8")
            assert committed == snapshot.render(tenant_tables(), dialect, head), (
                f"{name}.sql is stale: run `jiceng tenants snapshot` after changing tenant models or migrations"
            )


def test_a_snapshot_built_tenant_equals_a_migration_built_one(app, make_tenant):
    built_from_snapshot = make_tenant("snapbuilt")
    with app.app_context():
        engines = tenancy.engines
        location = current_app.config["TENANT_MIGRATIONS"]
        migrated_schema = "t_migbuilt"
        if not engines.is_sqlite:
            with engines.shared.connect() as conn, conn.begin():
                conn.exec_driver_sql(f"CREATE SCHEMA {quote_schema(migrated_schema)}")
        try:
            migrations.upgrade_tenant(engines, migrated_schema, location)
            with engines.migration_connection(built_from_snapshot.schema_name) as conn:
                from_snapshot = describe(conn)
            with engines.migration_connection(migrated_schema) as conn:
                from_migrations = describe(conn)
            revisions = migrations.tenant_revisions(engines, [built_from_snapshot])
        finally:
            if engines.is_sqlite:
                engines.tenant_file(migrated_schema).unlink(missing_ok=True)
            else:
                with engines.shared.connect() as conn, conn.begin():
                    conn.exec_driver_sql(f"DROP SCHEMA {quote_schema(migrated_schema)} CASCADE")
    assert set(from_snapshot) >= {"users", "audit_events", "alembic_version"}
    assert from_snapshot == from_migrations
    assert revisions == {built_from_snapshot.schema_name: migrations.head_revision(location)}


def test_snapshot_parsing_keeps_one_statement_each():
    from sqlalchemy.dialects import sqlite

    table = sa.Table("notes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text))
    sa.Index("ix_notes_body", table.c.body)
    parsed = snapshot.parse(snapshot.render([table], sqlite.dialect(), "r42"))
    assert parsed.revision == "r42"
    assert [s.split()[0:2] for s in parsed.statements] == [
        ["CREATE", "TABLE"], ["CREATE", "INDEX"], ["CREATE", "TABLE"], ["INSERT", "INTO"]
    ]
