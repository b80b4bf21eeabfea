"""`jiceng tenants ...` and `jiceng users ...` from the command line."""
from tests.conftest import PASSWORD


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_list_disable_enable_and_drop_a_tenant(app, client):
    made = run(app, "tenants", "create", "jiangsu", "--name", "江苏省总工会", "--kind", "province", "--region", "32",
               "--admin", "admin", "--password", PASSWORD)
    assert made.exit_code == 0 and "已创建 jiangsu" in made.output
    child = run(app, "tenants", "create", "nantong", "--name", "南通市总工会", "--kind", "city", "--parent", "jiangsu",
                "--region", "3206", "--admin", "boss", "--password", PASSWORD)
    assert child.exit_code == 0
    listing = run(app, "tenants", "list").output.splitlines()
    assert listing == [
        "jiangsu\tprovince\tactive\tt_jiangsu\t32\t江苏省总工会",
        "nantong\tcity\tactive\tt_nantong\t3206\t南通市总工会",
    ]
    assert client.post("/t/nantong/login", data={"username": "boss", "password": PASSWORD}).status_code == 302

    assert run(app, "tenants", "disable", "nantong").exit_code == 0
    assert client.get("/t/nantong/login").status_code == 404
    assert run(app, "tenants", "enable", "nantong").exit_code == 0
    assert client.get("/t/nantong/").status_code == 200  # the signed-in session works again

    refused = run(app, "tenants", "drop", "jiangsu", "--yes")
    assert refused.exit_code == 1 and "还有下级" in refused.output
    assert run(app, "tenants", "drop", "nantong").exit_code == 1  # no --yes
    assert run(app, "tenants", "drop", "nantong", "--yes").exit_code == 0
    assert client.get("/t/nantong/login").status_code == 404
    assert [line.split("\t")[0] for line in run(app, "tenants", "list").output.splitlines()] == ["jiangsu"]


def test_create_refuses_bad_input_with_a_chinese_message(app):
    bad_slug = run(app, "tenants", "create", "Bad_Slug", "--name", "x", "--kind", "town", "--admin", "a1", "--password", PASSWORD)
    assert bad_slug.exit_code == 1 and "标识只能由小写英文字母" in bad_slug.output
    bad_kind = run(app, "tenants", "create", "ok", "--name", "x", "--kind", "village", "--admin", "a1", "--password", PASSWORD)
    assert bad_kind.exit_code == 1 and "类型 'village' 无效" in bad_kind.output
    assert run(app, "tenants", "list").output == ""


def test_users_create_list_and_reset_password(app, client, make_tenant):
    make_tenant("town-a")
    make_tenant("town-b")
    assert run(app, "users", "create", "town-a", "zhangsan", "--role", "chief", "--password", PASSWORD).exit_code == 0
    assert run(app, "users", "create", "town-b", "lisi", "--role", "deputy", "--password", PASSWORD).exit_code == 0
    duplicate = run(app, "users", "create", "town-a", "zhangsan", "--role", "chief", "--password", PASSWORD)
    assert duplicate.exit_code == 1 and "已存在" in duplicate.output

    assert run(app, "users", "list").output.splitlines() == [
        "town-a\tadmin\tadmin", "town-a\tzhangsan\tchief", "town-b\tadmin\tadmin", "town-b\tlisi\tdeputy",
    ]
    assert run(app, "users", "list", "--tenant", "town-b").output.splitlines() == ["town-b\tadmin\tadmin", "town-b\tlisi\tdeputy"]

    reset = run(app, "users", "reset-password", "town-a", "zhangsan")
    new_password = reset.output.strip().split("：")[-1]
    assert reset.exit_code == 0 and len(new_password) >= 8
    assert client.post("/t/town-a/login", data={"username": "zhangsan", "password": new_password}).status_code == 302
    missing = run(app, "users", "reset-password", "town-a", "nobody")
    assert missing.exit_code == 1 and "没有用户 nobody" in missing.output
