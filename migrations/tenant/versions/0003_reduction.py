"""Documents, meetings and inspections (reduction area), and their flags.

Revision ID: t0003
Revises: t0002
"""
import sqlalchemy as sa
from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id():
    return sa.Column("id", BigId, sa.Identity(), nullable=False)


def _stamps():
    return [
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "documents",
        _id(),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(20), nullable=False),
        sa.Column("has_measures", sa.Boolean(), nullable=False),
        sa.Column("is_routine", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("source_name", sa.String(120), nullable=True),
        sa.Column("duplication_covered", sa.Integer(), nullable=True),
        sa.Column("duplication_total", sa.Integer(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_year_doc_type", "documents", ["year", "doc_type"])
    op.create_index(
        "uq_documents_number", "documents", ["number"], unique=True,
        postgresql_where=sa.text("number <> ''"), sqlite_where=sa.text("number <> ''"),
    )
    op.create_table(
        "meetings",
        _id(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("mode", sa.String(12), nullable=False),
        sa.Column("levels_down", sa.Integer(), nullable=False),
        sa.Column("could_be_video", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
    )
    op.create_index("ix_meetings_year_department", "meetings", ["year", "department"])
    op.create_table(
        "inspections",
        _id(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("scores_paperwork", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_inspections"),
    )
    op.create_index("ix_inspections_year_department", "inspections", ["year", "department"])
    op.create_table(
        "inspection_targets",
        _id(),
        sa.Column("inspection_id", BigId, nullable=False),
        sa.Column("tenant_id", BigId, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_targets"),
        sa.UniqueConstraint("inspection_id", "tenant_id", name="uq_inspection_targets_inspection_id_tenant_id"),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name="fk_inspection_targets_inspection_id_inspections"),
    )
    op.create_index("ix_inspection_targets_tenant_id", "inspection_targets", ["tenant_id"])
    op.create_table(
        "reduction_flags",
        _id(),
        sa.Column("subject_type", sa.String(12), nullable=False),
        sa.Column("subject_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_detail", sa.Text(), nullable=True),
        sa.Column("overridden_by", sa.String(64), nullable=True),
        sa.Column("overridden_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reduction_flags"),
        sa.UniqueConstraint("subject_type", "subject_id", "code", name="uq_reduction_flags_subject_type_subject_id_code"),
    )
    op.create_index("ix_reduction_flags_year_is_open", "reduction_flags", ["year", "is_open"])


def downgrade() -> None:
    for table in ("reduction_flags", "inspection_targets", "inspections", "meetings", "documents"):
        op.drop_table(table)
