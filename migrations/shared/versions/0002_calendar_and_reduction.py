"""National calendar entries, and what the reduction area shares between federations: document
texts and fingerprints (duplication check) and yearly summaries (roll-up).

Revision ID: s0002
Revises: s0001
"""
import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("year", name="pk_calendar_years"),
    )
    op.create_table(
        "calendar_days",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("entered_by", sa.String(120), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_days"),
        sa.UniqueConstraint("day", name="uq_calendar_days_day"),
    )
    op.create_index("ix_calendar_days_year", "calendar_days", ["year"])
    op.create_table(
        "document_texts",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("document_id", BigId, nullable=False),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_document_texts"),
        sa.UniqueConstraint("tenant_id", "document_id", name="uq_document_texts_tenant_id_document_id"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_document_texts_tenant_id_tenants", ondelete="CASCADE"),
    )
    op.create_table(
        "document_fingerprints",
        sa.Column("text_id", BigId, nullable=False),
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.PrimaryKeyConstraint("text_id", "hash", name="pk_document_fingerprints"),
        sa.ForeignKeyConstraint(["text_id"], ["document_texts.id"], name="fk_document_fingerprints_text_id_document_texts",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_document_fingerprints_hash", "document_fingerprints", ["hash", "tenant_id", "text_id"])
    op.create_table(
        "reduction_summaries",
        sa.Column("id", BigId, sa.Identity(), nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("general_documents", sa.Integer(), nullable=False),
        sa.Column("briefings", sa.Integer(), nullable=False),
        sa.Column("forwardings", sa.Integer(), nullable=False),
        sa.Column("other_documents", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("video_meetings", sa.Integer(), nullable=False),
        sa.Column("inspections", sa.Integer(), nullable=False),
        sa.Column("inspection_items", sa.Integer(), nullable=False),
        sa.Column("open_flags", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reduction_summaries"),
        sa.UniqueConstraint("tenant_id", "year", name="uq_reduction_summaries_tenant_id_year"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_reduction_summaries_tenant_id_tenants", ondelete="CASCADE"),
    )


def downgrade() -> None:
    for table in ("reduction_summaries", "document_fingerprints", "document_texts", "calendar_days", "calendar_years"):
        op.drop_table(table)
