"""Alembic environment for `alembic revision` in this tree.

Migrations are run by `jiceng tenants migrate` (tenants/migrate.py), which points a dedicated
connection at each schema in turn; write them unqualified (no schema=...). After adding a tenant
migration, run `jiceng tenants snapshot` so that new tenants are built at the new head.
"""
from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with `jiceng tenants migrate`")
context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
