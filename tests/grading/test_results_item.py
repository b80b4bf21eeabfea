"""The built-in sheet gives no points for evidence files (seed 004), and t0006 replaces the old item."""

import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.grading import services
from tenants.migrate import upgrade_connection

TENANT = PROJECT_ROOT / "migrations" / "tenant"


def test_the_built_in_sheet_has_no_item_counting_evidence():
    assert all(metric != "evidence" and "证明材料" not in name for _c, name, _k, metric, _p, _t in services.DEFAULT_ITEMS)
    assert sum(points for *_rest, points, _t in services.DEFAULT_ITEMS) == 100



def test_t0006_replaces_the_evidence_item_only_where_nothing_is_confirmed(empty_database):
    engine = sa.create_engine(empty_database, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            upgrade_connection(conn, TENANT, "t0005")
            conn.execute(sa.text("INSERT INTO grading_sheets (id, year, is_published, is_default, updated_at) VALUES "
                                 "(1, 2025, :t, :t, CURRENT_TIMESTAMP), (2, 2026, :t, :t, CURRENT_TIMESTAMP), (3, 2027, :t, :f, CURRENT_TIMESTAMP)"),
                         {"t": True, "f": False})
            for sheet in (1, 2, 3):
                conn.execute(sa.text("INSERT INTO grading_items (sheet_id, position, category, name, kind, metric, max_points, brackets) "
                                     "VALUES (:s, 6, '三、工作台账', '证明材料齐全', 'metric', 'evidence', 5, '')"), {"s": sheet})
            upgrade_connection(conn, TENANT)
            rows = {s: (k, m, n) for s, k, m, n in conn.execute(sa.text("SELECT sheet_id, kind, metric, name FROM grading_items"))}
    finally:
        engine.dispose()
    assert rows[1] == ("manual", "", services.RESULTS_NAME) and rows[2] == rows[1]
    assert rows[3] == ("metric", "evidence", "证明材料齐全")  # a federation's own sheet is left as it chose
