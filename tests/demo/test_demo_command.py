import sqlalchemy as sa

from app import clock
from app.checklist.models import ChecklistItem
from app.demo.federations import DEMO_FEDERATIONS
from app.extensions import tenancy
from app.stations.models import EnterpriseStation, WorkStation
from tenants import registry
from tests.conftest import in_tenant


def test_demo_builds_a_province_once_and_prints_the_logins(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--password", "demo-pass-2026"])
    assert first.exit_code == 0, first.output
    assert f"新建 {len(DEMO_FEDERATIONS)} 个工会" in first.output and "个工作站" in first.output
    assert "/t/haimen-sanxing/login\t海门区三星镇总工会" in first.output
    assert "demo-pass-2026" not in first.output  # a password given on the command line is not echoed

    second = runner.invoke(args=["demo", "--password", "demo-pass-2026"])
    assert second.exit_code == 0 and f"新建 0 个工会，已有 {len(DEMO_FEDERATIONS)} 个；新建 0 个工作站、0 家企业" in second.output

    with app.app_context(), tenancy.engines.shared.connect() as conn:
        tenants = {t.slug: t for t in registry.all_tenants(conn)}
        province = tenants["jiangsu"]
        assert len(registry.subtree(conn, province)) == len(DEMO_FEDERATIONS) == len(tenants)
    kinds = [t.kind for t in tenants.values()]
    assert kinds.count("province") == 1 and kinds.count("city") >= 2
    assert sum(kinds.count(k) for k in ("town", "street", "industry")) >= 20
    assert tenants["haimen-sanxing"].parent_id == tenants["haimen"].id
    for slug in ("jiangsu", "kunshan", "haimen-sanxing"):
        client.post(f"/t/{slug}/login", data={"username": "admin", "password": "demo-pass-2026"})
        assert client.get(f"/t/{slug}/").status_code == 200


def test_demo_gives_towns_streets_and_industries_living_stations(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "--password", "demo-pass-2026"]).exit_code == 0
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        tenants = {t.slug: t for t in registry.all_tenants(conn)}
    users = [line.split("\t") for line in runner.invoke(args=["users", "list", "--tenant", "haimen-sanxing"]).output.splitlines()]
    roles = {username: role for _slug, username, role in users}
    stations = sum(1 for name in roles if name.startswith("chief"))
    assert 3 <= stations <= 8 and all(roles[f"chief{i}"] == "chief" and roles[f"deputy{i}"] == "deputy" for i in range(1, stations + 1))
    assert not [line for line in runner.invoke(args=["users", "list", "--tenant", "haimen"]).output.splitlines() if "chief" in line]

    with in_tenant(app, tenants["haimen-sanxing"]) as session:
        per_station = session.execute(
            sa.select(EnterpriseStation.station_id, sa.func.count()).group_by(EnterpriseStation.station_id)).all()
        modes = set(session.scalars(sa.select(WorkStation.mode)))
        this_year, last_year = clock.today().year, clock.today().year - 1
        done = dict(session.execute(sa.select(ChecklistItem.year, sa.func.count()).where(
            ChecklistItem.status == "done", ChecklistItem.task != "n").group_by(ChecklistItem.year)).all())
    enterprises = sum(count for _, count in per_station)
    assert len(per_station) == stations and all(10 <= count <= 60 for _, count in per_station)
    assert modes == {"industry", "region", "group"} or stations < 3
    assert done[last_year] == 5 * enterprises                       # last year complete
    assert 0.2 * 5 * enterprises < done[this_year] < 0.8 * 5 * enterprises  # this year about half

    client.post("/t/haimen-sanxing/login", data={"username": "chief1", "password": "demo-pass-2026"})
    home = client.get("/t/haimen-sanxing/").get_data(as_text=True)
    assert "待办" in home and "已逾期" in home


def test_demo_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["demo", "--password", "123"])
    assert result.exit_code == 1 and "密码至少 8 位" in result.output
