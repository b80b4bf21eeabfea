"""The shared schema the migrations build equals the one the models describe (tables, columns, keys,
indexes): a model changed without a migration, or a migration that differs from its model, fails here."""
import warnings

import sqlalchemy as sa

from app.extensions import db, tenancy
from tenants.registry import tenants_table
from tenants.schema import SHARED_SCHEMA
from tests.tenancy import schema_tools

SCRATCH = "shared_from_models"


def describe(conn) -> dict:
    with warnings.catch_warnings():  # PostgreSQL: the expression index on lower(slug) is not reflected, on either side
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning)
        return schema_tools.describe(conn)


def shared_tables() -> list[sa.Table]:
    return [tenants_table] + [t for t in db.metadata.sorted_tables if t.schema == SHARED_SCHEMA and t is not tenants_table]


def test_the_shared_migrations_build_what_the_models_describe(app, tmp_path):
    with app.app_context():
        engines = tenancy.engines
        with engines.migration_connection(None) as conn:
            migrated = describe(conn)
        if engines.is_sqlite:
            scratch = sa.create_engine(f"sqlite:///{tmp_path / 'models.db'}")
            with scratch.begin() as conn:
                conn = conn.execution_options(schema_translate_map={SHARED_SCHEMA: None})
                for table in shared_tables():
                    table.create(conn)
            with scratch.connect() as conn:
                from_models = describe(conn)
            scratch.dispose()
        else:
            with engines.shared.connect() as conn, conn.begin():
                conn.exec_driver_sql(f'CREATE SCHEMA "{SCRATCH}"')
            try:
                with engines.shared.connect() as conn, conn.begin():
                    conn = conn.execution_options(schema_translate_map={SHARED_SCHEMA: SCRATCH})
                    for table in shared_tables():
                        table.create(conn)
                    conn.exec_driver_sql(f'SET LOCAL search_path TO "{SCRATCH}"')
                    from_models = describe(conn)
            finally:
                with engines.shared.connect() as conn, conn.begin():
                    conn.exec_driver_sql(f'DROP SCHEMA "{SCRATCH}" CASCADE')
    migrated.pop("alembic_version")
    assert {"tenants", "federation_counts", "subtree_counts"} <= set(migrated)
    assert sorted(from_models) == sorted(migrated)
    for table in migrated:
        assert from_models[table] == migrated[table], table
