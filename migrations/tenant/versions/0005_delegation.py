"""On-behalf cases, their enterprises and timeline, and the per-enterprise dues ledger.

Revision ID: t0005
Revises: t0004
"""
import sqlalchemy as sa
from alembic import op

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "delegation_cases",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("handler", sa.String(64), nullable=True),
        sa.Column("handler_federation", sa.String(200), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("amount_recovered", sa.Numeric(12, 2), nullable=True),
        sa.Column("workers_helped", sa.Integer(), nullable=True),
        sa.Column("agreement_title", sa.String(200), nullable=False),
        sa.Column("workers_covered", sa.Integer(), nullable=True),
        sa.Column("election_result", sa.Text(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.String(64), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("escalated_to", BigId, nullable=True),
        sa.Column("escalated_to_name", sa.String(200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delegation_cases"),
        sa.UniqueConstraint("number", name="uq_delegation_cases_number"),
    )
    op.create_index("ix_delegation_cases_status", "delegation_cases", ["status", "due_on"])
    op.create_table(
        "delegation_case_enterprises",
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("enterprise_id", BigId, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "enterprise_id", name="pk_delegation_case_enterprises"),
        sa.ForeignKeyConstraint(["case_id"], ["delegation_cases.id"], name="fk_delegation_case_enterprises_case_id_delegation_cases"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name="fk_delegation_case_enterprises_enterprise_id_enterprises"),
    )
    op.create_index("ix_delegation_case_enterprises_enterprise_id", "delegation_case_enterprises", ["enterprise_id"])
    op.create_table(
        "delegation_events",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("actor_federation", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("file_name", sa.String(120), nullable=True),
        sa.Column("file_type", sa.String(80), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_delegation_events"),
        sa.ForeignKeyConstraint(["case_id"], ["delegation_cases.id"], name="fk_delegation_events_case_id_delegation_cases"),
    )
    op.create_index("ix_delegation_events_case_id", "delegation_events", ["case_id", "occurred_at"])
    op.create_table(
        "dues_entries",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("enterprise_id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=True),
        sa.Column("entry_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dues_entries"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name="fk_dues_entries_enterprise_id_enterprises"),
        sa.ForeignKeyConstraint(["case_id"], ["delegation_cases.id"], name="fk_dues_entries_case_id_delegation_cases"),
    )
    op.create_index("ix_dues_entries_enterprise_id", "dues_entries", ["enterprise_id", "entry_on"])


def downgrade() -> None:
    for table in ("dues_entries", "delegation_events", "delegation_case_enterprises", "delegation_cases"):
        op.drop_table(table)
