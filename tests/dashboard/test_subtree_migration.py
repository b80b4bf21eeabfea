"""Shared migration s0006 on a database with data: open cases' deadlines become "deadlines" counts, the
reduction figures "reduction" counts, and every ancestor's subtree sums are computed from the counts
already there."""
from decimal import Decimal

import sqlalchemy as sa

from app.config import PROJECT_ROOT
from tenants.binding import SHARED_SCHEMA, TenantEngines, create_shared_engine
from tenants.migrate import upgrade_connection

SHARED = PROJECT_ROOT / "migrations" / "shared"



def test_s0006_moves_deadlines_into_counts_and_sums_every_subtree(empty_database):
    engines = TenantEngines(create_shared_engine(empty_database))
    try:
        with engines.migration_connection(None) as conn:
            upgrade_connection(conn, SHARED, "s0005")
            for id_, parent, path in ((1, None, "/1/"), (2, 1, "/1/2/"), (3, 2, "/1/2/3/"), (4, 2, "/1/2/4/"), (5, 1, "/1/5/")):
                conn.execute(sa.text("INSERT INTO tenants (id, slug, name, kind, parent_id, schema_name, path, status, created_at) "
                                     "VALUES (:id, :slug, :slug, 'town', :parent, :schema, :path, 'active', CURRENT_TIMESTAMP)"),
                             {"id": id_, "slug": f"f{id_}", "parent": parent, "schema": f"t_f{id_}", "path": path})
            conn.execute(sa.text("INSERT INTO federation_counts (tenant_id, year, area, key, value) VALUES (:t, 2026, 'checklist', 'enterprises', :v)"),
                         [{"t": 2, "v": 1}, {"t": 3, "v": 10}, {"t": 4, "v": 100}, {"t": 5, "v": 1000}])
            deadlines = "open_case_deadlines" if engines.is_sqlite else f'"{SHARED_SCHEMA}".open_case_deadlines'
            conn.execute(sa.text(f"INSERT INTO {deadlines} (tenant_id, case_id, year, due_on) VALUES (:t, :c, 2026, :d)"),
                         [{"t": 3, "c": 1, "d": "2026-06-05"}, {"t": 3, "c": 2, "d": "2026-06-05"}, {"t": 4, "c": 1, "d": "2026-07-01"}])
            conn.execute(sa.text("INSERT INTO reduction_summaries (tenant_id, year, general_documents, briefings, forwardings, "
                                 "other_documents, meetings, video_meetings, inspections, inspection_items, open_flags, updated_at) "
                                 "VALUES (4, 2026, 5, 0, 0, 0, 2, 0, 0, 0, 0, CURRENT_TIMESTAMP)"))
            upgrade_connection(conn, SHARED)
            deadlines = conn.execute(sa.text("SELECT tenant_id, key, value FROM federation_counts WHERE area = 'deadlines'")).all()
            sums = {(a, area, key): Decimal(v) for a, area, key, v in conn.execute(sa.text(
                "SELECT ancestor_id, area, key, value FROM subtree_counts WHERE year = 2026"))}
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        engines.dispose()
        engines.shared.dispose()
    assert sorted((t, k, int(v)) for t, k, v in deadlines) == [(3, "due:2026-06-05", 2), (4, "due:2026-07-01", 1)]
    enterprises = {a: v for (a, area, key), v in sums.items() if key == "enterprises"}
    assert enterprises == {1: 1111, 2: 111, 3: 10, 4: 100, 5: 1000}
    assert sums[(1, "deadlines", "due:2026-06-05")] == 2 and sums[(2, "deadlines", "due:2026-07-01")] == 1
    assert {(a, k): v for (a, area, k), v in sums.items() if area == "reduction"} == {
        (4, "general_documents"): 5, (4, "meetings"): 2, (2, "general_documents"): 5, (2, "meetings"): 2,
        (1, "general_documents"): 5, (1, "meetings"): 2}
    assert "open_case_deadlines" not in tables and "subtree_counts" in tables
