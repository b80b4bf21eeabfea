"""The registry of tenants (federations) in the shared schema.

Revision ID: s0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", BigId, nullable=True),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("schema_name", sa.String(63), nullable=False),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        sa.UniqueConstraint("schema_name", name="uq_tenants_schema_name"),
        sa.ForeignKeyConstraint(["parent_id"], ["tenants.id"], name="fk_tenants_parent_id_tenants"),
    )
    op.create_index("ix_tenants_slug_lower", "tenants", [sa.text("lower(slug)")], unique=True)
    op.create_index("ix_tenants_path", "tenants", ["path"], postgresql_ops={"path": "text_pattern_ops"})
    op.create_index("ix_tenants_parent_id", "tenants", ["parent_id"])


def downgrade() -> None:
    op.drop_table("tenants")
