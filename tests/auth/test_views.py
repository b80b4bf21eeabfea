"""Login, sessions bound to their federation, and the administrator's user pages."""
import datetime as dt

import sqlalchemy as sa

from app.auth.models import User
from tests.conftest import PASSWORD, in_tenant, make_app


def test_login_then_home_then_logout(client, make_tenant, login_as):
    tenant = make_tenant("haimen", name="南通市海门区总工会")
    response = login_as(tenant)
    assert response.status_code == 302 and response.headers["Location"].endswith("/t/haimen/")
    home = client.get("/t/haimen/")
    assert home.status_code == 200 and "南通市海门区总工会" in home.get_data(as_text=True)
    client.post("/t/haimen/logout")
    assert client.get("/t/haimen/").status_code == 302


def test_pages_ask_for_a_login_first(client, make_tenant):
    make_tenant("haimen")
    response = client.get("/t/haimen/admin/users")
    assert response.status_code == 302
    assert "/t/haimen/login?next=/t/haimen/admin/users" in response.headers["Location"]


def test_a_session_from_a_is_anonymous_in_b(client, make_tenant, login_as):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    login_as(a)
    assert client.get("/t/town-a/").status_code == 200
    # same cookie, same user id (both admins are user #1 of their own schema)
    response = client.get("/t/town-b/")
    assert response.status_code == 302 and "/t/town-b/login" in response.headers["Location"]
    assert client.get("/t/town-b/admin/users").status_code == 302


def test_a_forged_cookie_naming_another_tenant_is_anonymous(client, make_tenant, login_as):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    login_as(a)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{a.schema_name}:1"
        session["_user_id"] = "1"  # the classic Flask-Login id, without its tenant
    assert client.get("/t/town-a/").status_code == 302
    assert client.get("/t/town-b/").status_code == 302


def test_a_login_in_a_cannot_authenticate_in_b_with_the_same_username(client, make_tenant, make_user, login_as):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    make_user(a, "zhangsan", role="chief", password="password-of-a")
    make_user(b, "zhangsan", role="chief", password="password-of-b")
    refused = login_as(b, "zhangsan", "password-of-a")
    assert refused.status_code == 401 and "用户名或密码错误" in refused.get_data(as_text=True)
    assert login_as(a, "zhangsan", "password-of-a").status_code == 302
    # signed in as a's zhangsan, the same password is still refused in b, and b stays anonymous
    assert login_as(b, "zhangsan", "password-of-a").status_code == 401
    assert client.get("/t/town-b/").status_code == 302
    assert client.get("/t/town-a/").status_code == 200


def test_an_admin_of_a_cannot_manage_users_of_b(client, make_tenant, make_user, login_as):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    b_user = make_user(b, "lisi")
    login_as(a)
    assert client.post(f"/t/town-b/admin/users/{b_user}/active").status_code == 302  # to b's login
    assert client.post("/t/town-b/admin/users", data={"username": "intruder", "role": "admin", "password": "x" * 10}).status_code == 302


def test_an_admin_asking_for_an_id_of_another_tenant_gets_404(app, client, make_tenant, make_user, login_as):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    make_user(b, "lisi")
    make_user(b, "wangwu")  # id 3 exists only in b
    login_as(a)
    assert client.post("/t/town-a/admin/users/3/active").status_code == 404
    with in_tenant(app, b) as session:
        assert session.scalar(sa.select(User.is_active).where(User.id == 3)) is True


def test_login_slows_down_then_locks_with_a_clear_message(app, client, make_tenant):
    tenant = make_tenant("haimen")
    messages = []
    for attempt in range(3):
        response = client.post("/t/haimen/login", data={"username": "admin", "password": "wrong-password"})
        messages.append(response.get_data(as_text=True))
    assert "用户名或密码错误" in messages[0]
    response = client.post("/t/haimen/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 401 and "秒后再试" in response.get_data(as_text=True)  # even the right password waits

    with in_tenant(app, tenant) as session:  # let the delays pass, then keep failing up to the lock
        session.execute(sa.update(User).values(failed_login_count=5, last_failed_login_at=dt.datetime(2000, 1, 1)))
        session.commit()
    response = client.post("/t/haimen/login", data={"username": "admin", "password": "wrong-password"})
    assert "账号已锁定 15 分钟" in response.get_data(as_text=True)
    response = client.post("/t/haimen/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 401 and "分钟后再试或联系管理员" in response.get_data(as_text=True)


def test_a_reset_password_lifts_the_lock(app, client, make_tenant, make_user, login_as):
    tenant = make_tenant("haimen")
    user_id = make_user(tenant, "zhangsan", role="chief")
    with in_tenant(app, tenant) as session:
        session.execute(sa.update(User).where(User.id == user_id).values(locked_until=dt.datetime(2999, 1, 1), failed_login_count=6))
        session.commit()
    login_as(tenant)
    client.post(f"/t/haimen/admin/users/{user_id}/password", data={"password": "new-password-1"})
    client.post("/t/haimen/logout")
    assert login_as(tenant, "zhangsan", "new-password-1").status_code == 302


def test_the_admin_creates_disables_and_enables_users(client, make_tenant, login_as):
    make_tenant("haimen")
    login_as(_tenant(client, "haimen"))
    created = client.post("/t/haimen/admin/users", data={"username": "ZhangSan", "display_name": "张三", "role": "chief", "password": "chief-pass-1"})
    assert created.status_code == 302
    by_htmx = client.post("/t/haimen/admin/users", data={"username": "wangwu", "role": "staff", "password": "staff-pass-1"},
                          headers={"HX-Request": "true"})
    assert by_htmx.status_code == 204 and by_htmx.headers["HX-Redirect"] == "/t/haimen/admin/users"
    page = client.get("/t/haimen/admin/users").get_data(as_text=True)
    assert "zhangsan" in page and "张三" in page and "站长" in page and "已创建用户 wangwu" in page
    row = client.post("/t/haimen/admin/users/2/active", headers={"HX-Request": "true"})
    assert row.status_code == 200 and 'id="user-2"' in row.get_data(as_text=True) and "已停用" in row.get_data(as_text=True)
    client.post("/t/haimen/logout")
    refused = client.post("/t/haimen/login", data={"username": "zhangsan", "password": "chief-pass-1"})
    assert "该账号已停用" in refused.get_data(as_text=True)


def _tenant(client, slug):
    class Ref:
        pass

    ref = Ref()
    ref.slug = slug
    return ref


def test_invalid_new_user_comes_back_with_its_errors_and_nothing_is_created(client, make_tenant, login_as):
    tenant = make_tenant("haimen")
    login_as(tenant)
    response = client.post(
        "/t/haimen/admin/users", data={"username": "张三", "role": "chief", "password": "chief-pass-1"}, headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<form id="user-form"')
    assert "用户名为 2–64 位小写英文字母" in body and 'value="张三"' in body
    duplicate = client.post("/t/haimen/admin/users", data={"username": "admin", "role": "chief", "password": "chief-pass-1"})
    assert duplicate.status_code == 422 and "用户名 admin 已存在" in duplicate.get_data(as_text=True)
    assert "<html" in duplicate.get_data(as_text=True)  # no htmx: the full page


def test_only_administrators_manage_users(client, make_tenant, make_user, login_as):
    tenant = make_tenant("haimen")
    make_user(tenant, "chief1", role="chief")
    login_as(tenant, "chief1")
    assert client.get("/t/haimen/admin/users").status_code == 403
    assert client.post("/t/haimen/admin/users/1/active").status_code == 403


def test_an_admin_cannot_disable_themselves(client, make_tenant, login_as):
    tenant = make_tenant("haimen")
    login_as(tenant)
    client.post("/t/haimen/admin/users/1/active")
    assert client.get("/t/haimen/").status_code == 200


def test_next_never_leaves_the_federation(client, make_tenant, login_as):
    make_tenant("town-a")
    make_tenant("town-b")
    for target in ("https://evil.example/", "/t/town-b/", "//evil.example/t/town-a/"):
        response = client.post("/t/town-a/login", data={"username": "admin", "password": PASSWORD, "next": target})
        assert response.headers["Location"].endswith("/t/town-a/")
        client.post("/t/town-a/logout")


def test_forms_need_a_csrf_token(database_url, make_tenant):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    make_tenant("haimen")
    client = app.test_client()
    response = client.post("/t/haimen/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400 and "请求无法处理" in response.get_data(as_text=True)
    page = client.get("/t/haimen/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/t/haimen/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}).status_code == 302
