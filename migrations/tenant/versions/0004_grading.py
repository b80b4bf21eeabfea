"""Grading sheets, tiers, station scores and stipends.

Revision ID: t0004
Revises: t0003
"""
import sqlalchemy as sa
from alembic import op

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Points = sa.Numeric(5, 1)
Money = sa.Numeric(10, 2)


def _id():
    return sa.Column("id", BigId, sa.Identity(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "grading_sheets",
        _id(),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grading_sheets"),
        sa.UniqueConstraint("year", name="uq_grading_sheets_year"),
    )
    op.create_table(
        "grading_items",
        _id(),
        sa.Column("sheet_id", BigId, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("target", sa.Numeric(8, 2), nullable=True),
        sa.Column("max_points", Points, nullable=False),
        sa.Column("brackets", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grading_items"),
        sa.ForeignKeyConstraint(["sheet_id"], ["grading_sheets.id"], name="fk_grading_items_sheet_id_grading_sheets"),
    )
    op.create_index("ix_grading_items_sheet_id", "grading_items", ["sheet_id", "position"])
    op.create_table(
        "grading_tiers",
        _id(),
        sa.Column("sheet_id", BigId, nullable=False),
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("min_score", Points, nullable=False),
        sa.Column("chief_stipend", Money, nullable=False),
        sa.Column("deputy_stipend", Money, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grading_tiers"),
        sa.ForeignKeyConstraint(["sheet_id"], ["grading_sheets.id"], name="fk_grading_tiers_sheet_id_grading_sheets"),
    )
    op.create_index("ix_grading_tiers_sheet_id", "grading_tiers", ["sheet_id"])
    op.create_table(
        "station_scores",
        _id(),
        sa.Column("station_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("total", Points, nullable=True),
        sa.Column("tier", sa.String(20), nullable=True),
        sa.Column("is_vetoed", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_station_scores"),
        sa.UniqueConstraint("station_id", "year", name="uq_station_scores_station_id_year"),
        sa.ForeignKeyConstraint(["station_id"], ["work_stations.id"], name="fk_station_scores_station_id_work_stations"),
    )
    op.create_table(
        "score_entries",
        _id(),
        sa.Column("score_id", BigId, nullable=False),
        sa.Column("item_id", BigId, nullable=False),
        sa.Column("value", sa.Numeric(12, 2), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("points", Points, nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_score_entries"),
        sa.UniqueConstraint("score_id", "item_id", name="uq_score_entries_score_id_item_id"),
        sa.ForeignKeyConstraint(["score_id"], ["station_scores.id"], name="fk_score_entries_score_id_station_scores"),
        sa.ForeignKeyConstraint(["item_id"], ["grading_items.id"], name="fk_score_entries_item_id_grading_items"),
    )
    op.create_table(
        "stipend_awards",
        _id(),
        sa.Column("score_id", BigId, nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stipend_awards"),
        sa.ForeignKeyConstraint(["score_id"], ["station_scores.id"], name="fk_stipend_awards_score_id_station_scores"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_stipend_awards_person_id_people"),
    )
    op.create_index("ix_stipend_awards_score_id", "stipend_awards", ["score_id"])


def downgrade() -> None:
    for table in ("stipend_awards", "score_entries", "station_scores", "grading_tiers", "grading_items", "grading_sheets"):
        op.drop_table(table)
