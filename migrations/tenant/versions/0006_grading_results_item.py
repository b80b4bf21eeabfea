"""The built-in grading sheet no longer scores evidence files (seed 004 forbids scoring 留痕).

Built-in (is_default) sheets of years with no confirmed score replace the evidence item by a hand-scored
item about results, same points and place; a sheet a federation edited itself, or a year already
confirmed, keeps what it has (its confirmed figures must not change).

Revision ID: t0006
Revises: t0005
"""
import sqlalchemy as sa
from alembic import op

revision = "t0006"
down_revision = "t0005"
branch_labels = None
depends_on = None

RESULTS_CATEGORY = "三、工作实效"
RESULTS_NAME = "五项任务取得的实际成果（人工评分，需说明理由；不以留痕多少计分）"


def upgrade() -> None:
    op.get_bind().execute(sa.text(
        "UPDATE grading_items SET kind = 'manual', metric = '', target = NULL, category = :category, name = :name "
        "WHERE metric = 'evidence' AND sheet_id IN (SELECT s.id FROM grading_sheets s WHERE s.is_default = :yes "
        "AND NOT EXISTS (SELECT 1 FROM station_scores c WHERE c.year = s.year AND c.status = 'confirmed'))"),
        {"category": RESULTS_CATEGORY, "name": RESULTS_NAME, "yes": True})


def downgrade() -> None:
    pass
