"""Yearly counts per federation and area, summed by upper federations' dashboards.

Revision ID: s0003
Revises: s0002
"""
import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "federation_counts",
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Numeric(14, 2), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "year", "area", "key", name="pk_federation_counts"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_federation_counts_tenant_id_tenants", ondelete="CASCADE"),
    )
    op.create_index("ix_federation_counts_year_area", "federation_counts", ["year", "area", "tenant_id"])


def downgrade() -> None:
    op.drop_table("federation_counts")
