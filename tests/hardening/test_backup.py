"""A federation's complete data, uploaded files included, survives an export and an import."""
import hashlib
import io

import pytest
import sqlalchemy as sa

from app import files
from app.extensions import tenancy
from app.summaries import counts
from tenants import registry
from tenants.backup import _continue_identity, table_contents
from tenants.web import tenant_tables
from tests.conftest import PASSWORD, in_tenant
from tests.stations.factories import fixed_today, make_station  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fill(client, tenant, make_station):
    station_id, (a, b) = make_station(tenant, chief="chief1", enterprises=2)
    client.post(f"/t/{tenant.slug}/login", data={"username": "admin", "password": PASSWORD})
    client.post(f"/t/{tenant.slug}/checklist/{a}/2026/wage_negotiation", data={
        "version": "0", "status": "done", "held_on": "2026-03-01", "agreement_signed": "yes", "average_raise_pct": "6.5",
        "minimum_wage": "2490", "workers_covered": "120", "notes": "签订工资专项集体合同"})
    client.post(f"/t/{tenant.slug}/checklist/items/1/evidence", data={"file": (io.BytesIO(PDF), "合同.pdf")}, content_type="multipart/form-data")
    client.post(f"/t/{tenant.slug}/cases/new", data={"kind": "rights", "source": "complaint", "title": "欠薪", "enterprise_ids": [a, b]})
    client.post(f"/t/{tenant.slug}/cases/1/accept", data={})
    client.post(f"/t/{tenant.slug}/enterprises/{a}/dues", data={"entry_on": "2026-02-01", "kind": "collected", "amount": "1200.50"})
    client.post(f"/t/{tenant.slug}/reduction/documents/new", data={
        "number": "镇工发〔2026〕1号", "title": "关于推进工会改革的通知", "department": "办公室", "issued_on": "2026-03-02",
        "doc_type": "general", "has_measures": "y", "body": "各基层工会：要坚持以职工为中心，推动资源力量向基层倾斜。"})


def test_an_export_and_import_round_trip_loses_nothing(app, client, make_tenant, make_station, tmp_path):
    original = make_tenant("zhen", name="某镇总工会")
    _fill(client, original, make_station)
    archive = tmp_path / "zhen.zip"
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["tenants", "export", "zhen", str(archive)])
    assert exported.exit_code == 0 and "个文件" in exported.output, exported.output
    imported = runner.invoke(args=["tenants", "import", str(archive), "zhen-restored", "--name", "某镇总工会（恢复）"])
    assert imported.exit_code == 0, imported.output

    with app.app_context():
        engines = tenancy.engines
        with engines.shared.connect() as conn:
            restored = registry.find_by_slug(conn, "zhen-restored")
        tables = tenant_tables()
        before, after = table_contents(engines, original, tables), table_contents(engines, restored, tables)
        store = files.store()
        digests = lambda t: sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (store.root / t.schema_name).rglob("*") if p.is_file())  # noqa: E731
        assert digests(original) == digests(restored) == [hashlib.sha256(PDF).hexdigest()]
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before  # every row and every value
    for table in ("documents", "delegation_cases", "delegation_events", "evidence_files", "dues_entries", "checklist_items", "users"):
        assert before[table], table  # the fill reached every area
    with in_tenant(app, original):
        original_counts = {(y, a, k): v for (y, a, k), v in counts.stored(original.id).items()}
    with in_tenant(app, restored):
        assert counts.stored(restored.id) == original_counts  # the shared summaries, recounted

    # the restored federation works: its admin logs in, sees the evidence, and new rows get new ids
    client.post("/t/zhen/logout")
    client.post("/t/zhen-restored/login", data={"username": "admin", "password": PASSWORD})
    assert client.get("/t/zhen-restored/checklist/evidence/1").data == PDF
    assert client.post("/t/zhen-restored/cases/new", data={"kind": "legal_aid", "source": "station", "title": "新案件",
                                                           "enterprise_ids": [1]}).status_code == 302


def test_an_archive_of_another_schema_revision_or_damaged_is_refused(app, client, make_tenant, make_station, tmp_path):
    import json
    import zipfile

    make_tenant("zhen")
    archive = tmp_path / "zhen.zip"
    runner = app.test_cli_runner()
    runner.invoke(args=["tenants", "export", "zhen", str(archive)])
    older = tmp_path / "older.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(older, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["revision"] = "t0001"
                data = json.dumps(manifest).encode()
            target.writestr(item, data)
    refused = runner.invoke(args=["tenants", "import", str(older), "zhen-old"])
    assert refused.exit_code == 1 and "数据库版本 t0001 与当前版本" in refused.output
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    junk = runner.invoke(args=["tenants", "import", str(tmp_path / "junk.zip"), "zhen-junk"])
    assert junk.exit_code == 1 and "不是有效的备份文件" in junk.output
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert {t.slug for t in registry.all_tenants(conn)} == {"zhen"}


def _sequence_state(conn, schema):
    sequence = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('\"{schema}\".\"users\"', 'id')").scalar()
    last_value, is_called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {sequence}").one()
    return sequence, (last_value if is_called else last_value - 1)


@pytest.mark.only_on("postgresql")
def test_a_restore_moves_a_sequence_only_forward_and_setval_reads_no_tenant_table(app, make_tenant):
    """Citus hands each node a range of a sequence, and sends a statement reading a tenant table to that
    tenant's worker: the restore reads max(id) on its own, then calls setval alone, and never backwards."""
    tenant = make_tenant("zhen")
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engines = tenancy.engines
        users = next(t for t in tenant_tables() if t.name == "users")
        with engines.for_tenant(tenant).begin() as conn:
            restored_max = conn.execute(sa.select(sa.func.max(users.c.id))).scalar()
            assert restored_max
            sequence, _ = _sequence_state(conn, tenant.schema_name)

            # already ahead (e.g. a node's own range): stays where it stands
            conn.exec_driver_sql(f"SELECT setval('{sequence}', 562949953421313, true)")
            _continue_identity(conn, engines, tenant, users)
            assert _sequence_state(conn, tenant.schema_name)[1] == 562949953421313

            # behind the restored rows: moves forward to their maximum, setval on its own
            conn.exec_driver_sql(f"SELECT setval('{sequence}', 1, false)")
            sa.event.listen(conn, "before_cursor_execute", record)
            _continue_identity(conn, engines, tenant, users)
            sa.event.remove(conn, "before_cursor_execute", record)
            assert _sequence_state(conn, tenant.schema_name)[1] == restored_max
    setvals = [s for s in sent if "setval" in s.lower()]
    assert len(setvals) == 1
    assert "from" not in setvals[0].lower() and "select" == setvals[0].lower().split()[0]
    assert tenant.schema_name not in setvals[0] and "users" not in setvals[0]


def test_a_restore_keeps_the_federations_time_zone(app, make_tenant, tmp_path):
    original = make_tenant("zhen")
    with app.app_context(), tenancy.engines.shared.connect() as conn, conn.begin():
        registry.set_time_zone(conn, original.id, "Asia/Urumqi")
    archive = tmp_path / "zhen.zip"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tenants", "export", "zhen", str(archive)]).exit_code == 0
    assert runner.invoke(args=["tenants", "import", str(archive), "zhen-restored"]).exit_code == 0
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert registry.find_by_slug(conn, "zhen-restored").time_zone == "Asia/Urumqi"
