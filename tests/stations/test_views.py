"""Stations, people, enterprises, Excel and budget pages: permissions, history and refusals."""
import datetime as dt
import io

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.stations.enterprise_import import enterprise_template
from app.stations.models import Enterprise, EnterpriseStation, StationExpense, StationRole, WorkStation
from app.stations.uscc import example_uscc
from tests.conftest import PASSWORD, in_tenant
from tests.stations.factories import enterprise_values, fixed_today, make_station  # noqa: F401


def test_the_administrator_creates_a_station_and_a_chief_cannot(client, make_tenant, make_user, login_as):
    tenant = make_tenant("sanxing")
    make_user(tenant, "chief1", role="chief")
    data = {"name": "三星镇家纺行业工会工作站", "mode": "industry", "coverage": "家纺", "host_enterprise": "某家纺公司", "status": "active"}
    login_as(tenant, "chief1")
    assert client.post("/t/sanxing/stations", data=data).status_code == 403
    client.post("/t/sanxing/logout")
    login_as(tenant)
    created = client.post("/t/sanxing/stations", data=data)
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "三星镇家纺行业工会工作站" in page and "行业+" in page
    duplicate = client.post("/t/sanxing/stations", data=data)
    assert duplicate.status_code == 422 and "已存在" in duplicate.get_data(as_text=True)


def test_a_new_chief_ends_the_previous_chiefs_term_and_history_is_kept(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="oldchief")
    login_as(tenant)
    response = client.post(f"/t/sanxing/stations/{station_id}/people", data={
        "name": "李四", "role": "chief", "source": "backbone_chair", "phone": "13900001111", "started_on": "2026-05-01"})
    assert response.status_code == 302
    with in_tenant(app, tenant) as session:
        chiefs = session.execute(sa.select(StationRole.started_on, StationRole.ended_on).where(
            StationRole.station_id == station_id, StationRole.role == "chief").order_by(StationRole.started_on)).all()
    assert chiefs == [(dt.date(2025, 1, 1), dt.date(2026, 5, 1)), (dt.date(2026, 5, 1), None)]
    page = client.get(f"/t/sanxing/stations/{station_id}").get_data(as_text=True)
    assert "李四" in page and "历任人员（1）" in page


def test_a_refused_person_is_explained_in_chinese_and_nothing_is_stored(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, enterprises=0)
    login_as(tenant)
    response = client.post(f"/t/sanxing/stations/{station_id}/people", data={
        "name": "", "role": "staff", "source": "backbone_chair", "started_on": "2026-05-01"}, follow_redirects=True)
    assert response.status_code == 200 and "请填写姓名" in response.get_data(as_text=True)
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count(StationRole.id))) == 0


def test_the_database_allows_one_current_chief_only(app, make_tenant, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1")
    with in_tenant(app, tenant) as session:
        person_id = session.scalar(sa.select(StationRole.person_id).where(StationRole.station_id == station_id))
        session.add(StationRole(station_id=station_id, person_id=person_id, role="chief", started_on=dt.date(2026, 1, 1)))
        try:
            session.flush()
        except sa.exc.IntegrityError:
            session.rollback()
        else:
            raise AssertionError("a second current chief was accepted")


def test_an_enterprise_with_a_bad_credit_code_is_refused_beside_the_field(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1", enterprises=0)
    login_as(tenant, "chief1")
    good = example_uscc(4242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(f"/t/sanxing/stations/{station_id}/enterprises/new", data=enterprise_values(uscc=bad))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "校验码错误" in body and f'value="{bad}"' in body
    assert client.post(f"/t/sanxing/stations/{station_id}/enterprises/new", data=enterprise_values(uscc=good.lower())).status_code == 302
    again = client.post(f"/t/sanxing/stations/{station_id}/enterprises/new", data=enterprise_values(uscc=good))
    assert again.status_code == 422 and "已登记为" in again.get_data(as_text=True)


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "所属行业", "职工人数", "工会会员人数", "工会主席", "联系电话"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_import_with_bad_rows_imports_nothing_and_names_each_row(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1", enterprises=0)
    login_as(tenant, "chief1")
    data = _xlsx([
        ["甲公司", example_uscc(1), "机械", 50, 40, "张三", "13912345678"],
        ["乙公司", "123", "机械", 50, 40, "李四", ""],
        ["丙公司", example_uscc(3), "机械", "很多", 10, "", ""],
        ["丁公司", example_uscc(4), "机械", 10, 20, "", "12345"],
    ])
    response = client.post(f"/t/sanxing/stations/{station_id}/import", data={"file": (io.BytesIO(data), "名单.xlsx")},
                           content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "未导入任何数据" in body
    for row in ("3", "4", "5"):
        assert f'<td class="num">{row}</td>' in body
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Enterprise)) == 0

    clean = _xlsx([["甲公司", example_uscc(1), "机械", 50, 40, "张三", "13912345678"], ["乙公司", example_uscc(2), "纺织", 8, None, "", ""]])
    done = client.post(f"/t/sanxing/stations/{station_id}/import", data={"file": (io.BytesIO(clean), "名单.xlsx")},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    with in_tenant(app, tenant) as session:
        assert session.scalars(sa.select(Enterprise.name).order_by(Enterprise.name)).all() == ["乙公司", "甲公司"]
    repeated = client.post(f"/t/sanxing/stations/{station_id}/import", data={"file": (io.BytesIO(clean), "名单.xlsx")},
                           content_type="multipart/form-data")
    assert repeated.status_code == 422 and "已登记为" in repeated.get_data(as_text=True)


def test_the_template_downloads_and_the_list_exports(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1", enterprises=2)
    login_as(tenant, "chief1")
    template = client.get("/t/sanxing/enterprises/template.xlsx")
    assert template.status_code == 200 and template.data == enterprise_template()
    exported = load_workbook(io.BytesIO(client.get(f"/t/sanxing/stations/{station_id}/enterprises.xlsx").data))
    rows = list(exported.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码") and len(rows) == 3


def test_moving_an_enterprise_keeps_its_history_and_counts_it_once(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    first, (enterprise_id, *_rest) = make_station(tenant, "一站", enterprises=2)
    second, _ = make_station(tenant, "二站", enterprises=1)
    login_as(tenant)
    client.post(f"/t/sanxing/checklist/{enterprise_id}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    assert client.post(f"/t/sanxing/enterprises/{enterprise_id}/move", data={"station_id": second, "moved_on": "2026-05-01"}).status_code == 302
    with in_tenant(app, tenant) as session:
        stays = session.execute(sa.select(EnterpriseStation.station_id, EnterpriseStation.until_on).where(
            EnterpriseStation.enterprise_id == enterprise_id).order_by(EnterpriseStation.from_on)).all()
    assert stays == [(first, dt.date(2026, 5, 1)), (second, None)]
    page = client.get(f"/t/sanxing/enterprises/{enterprise_id}").get_data(as_text=True)
    assert "所属工作站变更记录" in page and "完成率不会超过 100%。" in page and "二站" in page
    first_page = client.get(f"/t/sanxing/stations/{first}/checklist?year=2026").get_data(as_text=True)
    second_page = client.get(f"/t/sanxing/stations/{second}/checklist?year=2026").get_data(as_text=True)
    assert "0%（0/1）" in first_page          # the moved enterprise's congress no longer counts here
    assert "50%（1/2）" in second_page        # it counts once, at its new station, never above 100%


def test_an_expense_past_the_budget_needs_confirmation_and_is_flagged(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1", enterprises=0)
    login_as(tenant, "chief1")
    page = client.get(f"/t/sanxing/stations/{station_id}/budget?year=2026").get_data(as_text=True)
    assert "30,000.00" in page
    base = {"spent_on": "2026-04-01", "category": "activity", "description": "篮球赛"}
    assert client.post(f"/t/sanxing/stations/{station_id}/expenses", data={**base, "amount": "29000"}).status_code == 302
    refused = client.post(f"/t/sanxing/stations/{station_id}/expenses", data={**base, "amount": "2000"})
    assert refused.status_code == 422 and "超出 2026 年预算（剩余 1,000.00 元）" in refused.get_data(as_text=True)
    confirmed = client.post(f"/t/sanxing/stations/{station_id}/expenses", data={**base, "amount": "2000", "confirm_overspend": "y"})
    assert confirmed.status_code == 302
    with in_tenant(app, tenant) as session:
        assert session.scalars(sa.select(StationExpense.is_overspend).order_by(StationExpense.id)).all() == [False, True]
    page = client.get(f"/t/sanxing/stations/{station_id}/budget?year=2026").get_data(as_text=True)
    assert "-1,000.00" in page and "超预算" in page


def test_the_default_budget_is_configurable_per_federation(client, make_tenant, login_as, make_station):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    station_a, _ = make_station(a, enterprises=0)
    station_b, _ = make_station(b, enterprises=0)
    login_as(a)
    assert client.post("/t/town-a/settings", data={"default_station_budget": "50000"}).status_code == 302
    assert "50,000.00" in client.get(f"/t/town-a/stations/{station_a}/budget?year=2026").get_data(as_text=True)
    client.post("/t/town-a/logout")
    login_as(b)
    assert "30,000.00" in client.get(f"/t/town-b/stations/{station_b}/budget?year=2026").get_data(as_text=True)


def test_a_receipt_is_checked_by_content_and_served_only_to_its_federation(client, make_tenant, login_as, make_station):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    station_id, _ = make_station(a, chief="chief1", enterprises=0)
    make_station(b, enterprises=0)
    login_as(a, "chief1")
    base = {"spent_on": "2026-04-01", "category": "office", "description": "纸", "amount": "100"}
    fake = client.post(f"/t/town-a/stations/{station_id}/expenses", data={**base, "receipt": (io.BytesIO(b"MZ\x90\x00evil"), "票据.pdf")},
                       content_type="multipart/form-data")
    assert fake.status_code == 422 and "实际内容不是这些类型" in fake.get_data(as_text=True)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ok = client.post(f"/t/town-a/stations/{station_id}/expenses", data={**base, "receipt": (io.BytesIO(pdf), "票据.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    download = client.get(f"/t/town-a/stations/{station_id}/expenses/1/receipt")
    assert download.status_code == 200 and download.data == pdf and download.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/t/town-a/logout")
    login_as(b)
    assert client.get(f"/t/town-b/stations/{station_id}/expenses/1/receipt").status_code == 404


def test_counts_and_amounts_the_columns_cannot_hold_are_refused_and_nothing_is_stored(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (enterprise_id,) = make_station(tenant, enterprises=1)
    login_as(tenant)
    for workers, message in (("2147483648", "数值过大，不能超过 1000 万"), ("9" * 60, "数值过大，不能超过 1000 万"), ("-1", "不能为负数")):
        refused = client.post(f"/t/sanxing/enterprises/{enterprise_id}", data=enterprise_values(workers=workers, members=""))
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    for amount, message in (("NaN", "请填写有效的数字"), ("sNaN", "请填写有效的数字"), ("Infinity", "请填写有效的数字"),
                            ("1e30", "数值超出范围，应在 ±9,999,999,999.99 之内"), ("1E+999999999", "数值超出范围，应在 ±9,999,999,999.99 之内")):
        budget = client.post(f"/t/sanxing/stations/{station_id}/budget?year=2026", data={"amount": amount})
        assert budget.status_code == 422 and message in budget.get_data(as_text=True)
        expense = client.post(f"/t/sanxing/stations/{station_id}/expenses", data={"spent_on": "2026-04-01", "amount": amount, "category": "office"})
        assert expense.status_code == 422 and message in expense.get_data(as_text=True)
        settings = client.post("/t/sanxing/settings", data={"default_station_budget": amount})
        assert settings.status_code == 422 and message in settings.get_data(as_text=True)
    late = client.post(f"/t/sanxing/stations/{station_id}/expenses", data={"spent_on": "9999-12-31", "amount": "1", "category": "office"})
    assert late.status_code == 422 and "日期应在 1900 年至 2100 年之间" in late.get_data(as_text=True)
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(Enterprise.workers).where(Enterprise.id == enterprise_id)) == 50
        assert session.scalar(sa.select(sa.func.count(StationExpense.id))) == 0
    assert "30,000.00" in client.get(f"/t/sanxing/stations/{station_id}/budget?year=2026").get_data(as_text=True)


def test_a_name_is_one_line_and_a_download_is_named_safely_even_after_an_older_one(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, enterprises=1)
    login_as(tenant)
    data = {"name": "一站\r\nSet-Cookie: x=1", "mode": "industry", "status": "active"}
    for url in ("/t/sanxing/stations", f"/t/sanxing/stations/{station_id}"):
        refused = client.post(url, data=data)
        assert refused.status_code == 422 and "只能填写一行，不能换行" in refused.get_data(as_text=True)
    with in_tenant(app, tenant) as session:  # a name stored before names were checked
        session.get(WorkStation, station_id).name = "三星镇\r\n机械\u202e行业工作站"
        session.commit()
    for path in (f"/stations/{station_id}/enterprises.xlsx", f"/stations/{station_id}/checklist.xlsx?year=2026"):
        download = client.get(f"/t/sanxing{path}")
        disposition = download.headers["Content-Disposition"]
        assert download.status_code == 200 and "\r" not in disposition and "\n" not in disposition
        assert "%E4%B8%89%E6%98%9F%E9%95%87%20%E6%9C%BA%E6%A2%B0%E8%A1%8C%E4%B8%9A%E5%B7%A5%E4%BD%9C%E7%AB%99" in disposition  # 三星镇 机械行业工作站


def test_a_chief_edits_only_their_own_station(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    mine, _ = make_station(tenant, "一站", chief="chief1", enterprises=1)
    other, (other_enterprise,) = make_station(tenant, "二站", chief="chief2", enterprises=1)
    login_as(tenant, "chief1")
    assert client.get(f"/t/sanxing/stations/{other}").status_code == 200  # reading is fine
    assert client.post(f"/t/sanxing/stations/{other}/enterprises/new", data=enterprise_values()).status_code == 403
    assert client.post(f"/t/sanxing/enterprises/{other_enterprise}", data=enterprise_values()).status_code == 403
    assert client.post(f"/t/sanxing/stations/{other}/expenses", data={"spent_on": "2026-04-01", "amount": "1", "category": "other"}).status_code == 403
    assert client.post(f"/t/sanxing/stations/{other}/import").status_code == 403
    assert client.post(f"/t/sanxing/enterprises/{other_enterprise}/move", data={"station_id": mine, "moved_on": "2026-06-01"}).status_code == 403
    assert client.post(f"/t/sanxing/stations/{mine}/enterprises/new", data=enterprise_values()).status_code == 302


def test_a_viewer_reads_and_changes_nothing(client, make_tenant, make_user, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (enterprise_id,) = make_station(tenant, enterprises=1)
    make_user(tenant, "reader", role="viewer")
    login_as(tenant, "reader")
    assert client.get(f"/t/sanxing/stations/{station_id}").status_code == 200
    assert client.post(f"/t/sanxing/stations/{station_id}/enterprises/new", data=enterprise_values()).status_code == 403
    assert client.post(f"/t/sanxing/settings", data={"default_station_budget": "1"}).status_code == 403


STATION_ROUTES = [
    ("get", "/stations/{s}"), ("get", "/stations/{s}/budget"), ("get", "/stations/{s}/enterprises.xlsx"),
    ("get", "/enterprises/{e}"), ("get", "/stations/{s}/import"), ("get", "/stations/{s}/enterprises/new"),
    ("post", "/stations/{s}/people"), ("post", "/enterprises/{e}/move"), ("post", "/stations/{s}/expenses"),
    ("get", "/stations/{s}/expenses/1/receipt"),
]


def test_no_station_route_reaches_another_federations_data(client, make_tenant, login_as, make_station):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    make_station(a, "甲站", enterprises=1)
    station_b, (enterprise_b,) = make_station(b, "乙站", enterprises=1)
    login_as(a)
    for method, route in STATION_ROUTES:
        path = route.format(s=station_b, e=enterprise_b)
        # b's ids typed under a's prefix find nothing of b (a has no station 2 and no enterprise 2)
        under_a = getattr(client, method)(f"/t/town-a{path}".replace(str(station_b), "2").replace(str(enterprise_b), "2"))
        assert under_a.status_code == 404, path
        assert "乙站" not in under_a.get_data(as_text=True)
        # under b's prefix, a's session is anonymous
        under_b = getattr(client, method)(f"/t/town-b{path}")
        assert under_b.status_code == 302 and "/t/town-b/login" in under_b.headers["Location"], path
