from tests.conftest import PASSWORD


def test_the_root_page_finds_a_federation_by_name_or_slug(client, make_tenant):
    make_tenant("haimen", kind="county", name="南通市海门区总工会", region="320614")
    make_tenant("kunshan", kind="county", name="昆山市总工会", region="320583")
    by_name = client.get("/?q=海门").get_data(as_text=True)
    assert "南通市海门区总工会" in by_name and "昆山市总工会" not in by_name
    assert 'href="/t/haimen/login"' in by_name
    by_slug = client.get("/?q=KUN", headers={"HX-Request": "true"})
    body = by_slug.get_data(as_text=True)
    assert body.startswith('<div id="federation-results">') and "昆山市总工会" in body
    assert "HX-Request" in by_slug.headers["Vary"]
    assert "没有找到" in client.get("/?q=不存在的工会").get_data(as_text=True)


def test_history_restore_gets_the_full_page(client, make_tenant):
    make_tenant("haimen")
    response = client.get("/?q=hai", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_healthz_reports_the_database(client, make_tenant):
    make_tenant("haimen")
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["database"] == "ok" and data["tenants"] == 1


def test_healthz_says_when_the_database_is_unreachable(database_url, tmp_path):
    from tests.conftest import make_app

    (tmp_path / "a-directory.db").mkdir()  # SQLite cannot open a directory as its database
    broken = "postgresql://nobody@127.0.0.1:1/none" if database_url.startswith("postgresql") else f"sqlite:///{tmp_path}/a-directory.db"
    app = make_app(broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"


def test_the_interface_speaks_chinese_first_and_english_on_request(client, make_tenant):
    make_tenant("haimen")
    assert "登录" in client.get("/t/haimen/login").get_data(as_text=True)
    english = client.get("/t/haimen/login?lang=en").get_data(as_text=True)
    assert "Sign in" in english and "Password" in english
    assert "Sign in" in client.get("/t/haimen/login").get_data(as_text=True)  # the choice is remembered


def test_the_home_page_names_the_federation_its_parent_and_children(client, make_tenant):
    county = make_tenant("haimen", kind="county", name="南通市海门区总工会")
    make_tenant("sanxing", kind="town", name="海门区三星镇总工会", parent=county)
    client.post("/t/haimen/login", data={"username": "admin", "password": PASSWORD})
    page = client.get("/t/haimen/").get_data(as_text=True)
    assert "南通市海门区总工会" in page and "海门区三星镇总工会" in page and "下级工会（1）" in page


def test_every_page_names_its_icon_and_the_icon_is_served(client, make_tenant):
    make_tenant("sanxing")
    for url in ("/", "/t/sanxing/login"):
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
