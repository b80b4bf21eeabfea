"""The shared index of on-behalf cases passed up to a parent federation, and open cases' deadlines.

Revision ID: s0004
Revises: s0003
"""
import sqlalchemy as sa
from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case_escalations",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("origin_tenant_id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("handler_tenant_id", BigId, nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_escalations"),
        sa.UniqueConstraint("origin_tenant_id", "case_id", name="uq_case_escalations_origin_tenant_id_case_id"),
        sa.ForeignKeyConstraint(["origin_tenant_id"], ["tenants.id"], name="fk_case_escalations_origin_tenant_id_tenants", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["handler_tenant_id"], ["tenants.id"], name="fk_case_escalations_handler_tenant_id_tenants", ondelete="CASCADE"),
    )
    op.create_index("ix_case_escalations_handler", "case_escalations", ["handler_tenant_id", "status"])
    op.create_table(
        "open_case_deadlines",
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("case_id", BigId, autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "case_id", name="pk_open_case_deadlines"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_open_case_deadlines_tenant_id_tenants", ondelete="CASCADE"),
    )
    op.create_index("ix_open_case_deadlines_due_on", "open_case_deadlines", ["due_on"])


def downgrade() -> None:
    op.drop_table("open_case_deadlines")
    op.drop_table("case_escalations")
