"""Counts summed per ancestor (the dashboards read children's rows, not every federation's), and open
cases' due dates as counts ("deadlines" area) instead of one shared row per case; the reduction
figures as counts too ("reduction" area).

Revision ID: s0006
Revises: s0005
"""
import sqlalchemy as sa
from alembic import op

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
REDUCTION_FIGURES = ("general_documents", "briefings", "forwardings", "other_documents", "meetings", "video_meetings",
                     "inspections", "inspection_items", "open_flags")


def upgrade() -> None:
    op.create_table(
        "subtree_counts",
        sa.Column("ancestor_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.PrimaryKeyConstraint("ancestor_id", "year", "area", "key", name="pk_subtree_counts"),
        sa.ForeignKeyConstraint(["ancestor_id"], ["tenants.id"], name="fk_subtree_counts_ancestor_id_tenants", ondelete="CASCADE"),
    )
    due = "to_char(due_on, 'YYYY-MM-DD')" if op.get_bind().dialect.name == "postgresql" else "due_on"
    op.execute(f"INSERT INTO federation_counts (tenant_id, year, area, key, value) "
               f"SELECT tenant_id, year, 'deadlines', 'due:' || {due}, count(*) FROM open_case_deadlines "
               "GROUP BY tenant_id, year, due_on")
    op.drop_table("open_case_deadlines")
    for figure in REDUCTION_FIGURES:  # the reduction figures join the counts ("reduction" area)
        op.execute(f"INSERT INTO federation_counts (tenant_id, year, area, key, value) "
                   f"SELECT tenant_id, year, 'reduction', '{figure}', {figure} FROM reduction_summaries WHERE {figure} <> 0")
    op.execute("INSERT INTO subtree_counts (ancestor_id, year, area, key, value) "
               "SELECT a.id, c.year, c.area, c.key, sum(c.value) FROM federation_counts c "
               "JOIN tenants t ON t.id = c.tenant_id JOIN tenants a ON t.path LIKE a.path || '%' "
               "GROUP BY a.id, c.year, c.area, c.key")


def downgrade() -> None:
    op.drop_table("subtree_counts")
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
    op.execute("DELETE FROM federation_counts WHERE area IN ('deadlines', 'reduction')")  # `jiceng summary rebuild` refills the index
