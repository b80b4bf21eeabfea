"""Helpers for tests that compare or change tenant schemas."""
from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from tenants.migrate import head_revision


def describe(conn: sa.Connection) -> dict:
    """Everything that makes a schema: tables, columns, keys, indexes (reflected, comparable)."""
    inspector = sa.inspect(conn)
    description = {}
    for table in sorted(inspector.get_table_names()):
        description[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")), str(c.get("identity")))
                for c in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table),
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            "indexes": sorted(
                (i["name"], tuple(str(c) for c in i["column_names"]), tuple(i.get("expressions") or ()), i["unique"])
                for i in inspector.get_indexes(table)
            ),
            "foreign_keys": sorted(
                (f["name"], tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return description


EXTRA_REVISION = '''"""test: add a nickname column and its index to users

Revision ID: x_nickname
Revises: {head}
"""
import sqlalchemy as sa
from alembic import op

revision = "x_nickname"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("nickname", sa.String(40), nullable=True))
    op.create_index("ix_users_nickname", "users", ["nickname"])


def downgrade() -> None:
    op.drop_index("ix_users_nickname", "users")
    op.drop_column("users", "nickname")
'''


def migrations_with_extra_revision(source: str | Path, target: Path) -> Path:
    """A copy of the tenant migrations with one more revision on top (adds users.nickname)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "snapshot"))
    head = head_revision(source)
    (target / "versions" / "9999_x_nickname.py").write_text(EXTRA_REVISION.format(head=head), encoding="utf-8")
    return target
