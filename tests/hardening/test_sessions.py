"""Security headers, session renewal at login and throttling per network address."""
import io

import sqlalchemy as sa

from app.auth.models import User
from tests.conftest import PASSWORD, in_tenant, make_app


def test_pages_carry_a_strict_content_security_policy_and_friends(client, make_tenant):
    make_tenant("zhen")
    response = client.get("/t/zhen/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin" and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and " onclick=" not in body and ' style="' not in body


def test_a_login_starts_a_new_session(client, make_tenant):
    make_tenant("zhen")
    client.get("/t/zhen/login?lang=en")
    with client.session_transaction() as session:
        session["acting"] = {"home_id": 999, "target_id": 1, "user_id": 1, "session_id": "t_x:1"}
        session["left_over"] = "from before"
    client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "acting" not in session and "left_over" not in session
        assert session["lang"] == "en" and session["_user_id"].endswith(":1")


def test_guessing_from_one_address_across_accounts_and_federations_is_slowed_down(database_url, make_tenant, make_user):
    app = make_app(database_url, LOGIN_ADDRESS_LIMIT=5)
    a, b = make_tenant("town-a"), make_tenant("town-b")
    for n in range(3):
        make_user(a, f"user{n}")
        make_user(b, f"user{n}")
    client = app.test_client()
    guesses = [("town-a", "user0"), ("town-b", "user1"), ("town-a", "user2"), ("town-b", "user0"), ("town-a", "nobody")]
    guesser = {"REMOTE_ADDR": "192.0.2.77"}  # an address of its own (documentation range)
    for slug, username in guesses:  # one wrong password each: no account reaches its own throttle
        refused = client.post(f"/t/{slug}/login", data={"username": username, "password": "wrong-guess"}, environ_overrides=guesser)
        assert "用户名或密码错误" in refused.get_data(as_text=True)
    blocked = client.post("/t/town-b/login", data={"username": "user2", "password": PASSWORD}, environ_overrides=guesser)
    assert blocked.status_code == 401 and "该网络地址登录失败次数过多" in blocked.get_data(as_text=True)
    other_address = client.post("/t/town-b/login", data={"username": "user2", "password": PASSWORD},
                                environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 302


def test_control_characters_are_refused_before_anything_is_stored(app, client, make_tenant):
    tenant = make_tenant("zhen")
    client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
    response = client.post("/t/zhen/admin/users", data={"username": "nul\x00user", "role": "viewer", "password": "long-enough-1"})
    assert response.status_code == 400 and "控制字符" in response.get_data(as_text=True)
    assert client.get("/t/zhen/stations?q=a\x01b").status_code == 400
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1  # only the admin


def test_a_multipart_field_whose_name_cannot_be_read_is_no_server_error(client, make_tenant):
    make_tenant("zhen")
    client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
    response = client.post("/t/zhen/stations", data={"name": "新工作站", "mode": "industry", "status": "active", "\r": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 302  # werkzeug reads the part named "\r" as a field without a name: it is ignored


def test_an_upload_whose_name_has_a_control_character_is_refused(app, client, make_tenant):
    make_tenant("zhen")
    client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
    response = client.post("/t/zhen/reduction/check", data={"file": (io.BytesIO("全文".encode()), "a\x00b.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "控制字符" in response.get_data(as_text=True)
