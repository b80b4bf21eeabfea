from app.demo.federations import DEMO_FEDERATIONS
from app.extensions import tenancy
from tenants import registry


def test_demo_builds_a_province_once_and_prints_the_logins(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--password", "demo-pass-2026"])
    assert first.exit_code == 0, first.output
    assert f"新建 {len(DEMO_FEDERATIONS)} 个工会" in first.output
    assert "/t/haimen-sanxing/login\t海门区三星镇总工会" in first.output
    assert "demo-pass-2026" not in first.output  # a password given on the command line is not echoed

    second = runner.invoke(args=["demo", "--password", "demo-pass-2026"])
    assert second.exit_code == 0 and f"新建 0 个工会，已有 {len(DEMO_FEDERATIONS)} 个" in second.output

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


def test_demo_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(args=["demo", "--password", "123"])
    assert result.exit_code == 1 and "密码至少 8 位" in result.output
