"""Upper federations' dashboards: hand-computed aggregates, subtree limits and drill-down."""
import io

from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tests.stations.factories import fixed_today, make_station  # noqa: F401

HX = {"HX-Request": "true"}


def done(client, slug, enterprise_id, task="member_congress"):
    client.post(f"/t/{slug}/login", data={"username": "admin", "password": PASSWORD})
    client.post(f"/t/{slug}/checklist/{enterprise_id}/2026/{task}", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    client.post(f"/t/{slug}/logout")


def build_tree(make_tenant, make_station, client):
    """Province → two cities → a county each → towns with stations; checklist done by hand."""
    province = make_tenant("sheng", kind="province", name="某省总工会", region="32")
    city1 = make_tenant("shi1", kind="city", name="甲市总工会", parent=province, region="3206")
    city2 = make_tenant("shi2", kind="city", name="乙市总工会", parent=province, region="3205")
    county1 = make_tenant("xian1", kind="county", name="甲县总工会", parent=city1, region="320614")
    county2 = make_tenant("xian2", kind="county", name="乙县总工会", parent=city2, region="320583")
    town1 = make_tenant("zhen1", kind="town", name="甲镇总工会", parent=county1)
    town2 = make_tenant("zhen2", kind="town", name="乙镇总工会", parent=county1)
    town3 = make_tenant("zhen3", kind="town", name="丙镇总工会", parent=county2)
    _s1, (a, b) = make_station(town1, "甲镇一站", enterprises=2)
    _s2, (c,) = make_station(town2, "乙镇一站", enterprises=1)
    _s3, (d, e, f, g) = make_station(town3, "丙镇一站", enterprises=4)
    done(client, "zhen1", a)
    done(client, "zhen1", a, "workers_congress")
    done(client, "zhen2", c)
    for enterprise_id in (d, e, f):
        done(client, "zhen3", enterprise_id)
    return {"province": province, "city1": city1, "city2": city2, "county1": county1, "county2": county2,
            "town1": town1, "town3": town3}


def test_the_province_sees_each_city_with_hand_computed_figures(client, make_tenant, make_station):
    tree = build_tree(make_tenant, make_station, client)
    client.post("/t/sheng/login", data={"username": "admin", "password": PASSWORD})
    page = client.get("/t/sheng/dashboard?year=2026").get_data(as_text=True)
    assert 'hx-trigger="load"' in page and f"/dashboard/federations/{tree['province'].id}/panels/checklist" in page
    panel = client.get(f"/t/sheng/dashboard/federations/{tree['province'].id}/panels/checklist?year=2026", headers=HX)
    body = panel.get_data(as_text=True)
    assert "<html" not in body and 'data-chart=' in body
    rows = {cells[0]: cells[1:] for cells in _rows(body)}
    # 甲市: 3 enterprises (a, b, c), 2 held a members' congress (67%), 1 a workers' congress (33%)
    assert rows["甲市总工会"][:3] == ["3", "67%", "33%"]
    # 乙市: 4 enterprises, 3 congresses (75%)
    assert rows["乙市总工会"][:3] == ["4", "75%", "0%"]
    # the province: 7 enterprises, 5 congresses (71%), overall 6 of 35 tasks (17%)
    assert rows["合计"][0] == "7" and rows["合计"][1] == "71%" and rows["合计"][6] == "17%"


def _rows(html):
    import re

    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if cells and cells[0] not in ("地区/工会",):
            rows.append(cells)
    return rows


def test_drilling_down_goes_city_county_town_station_read_only(client, make_tenant, make_station):
    tree = build_tree(make_tenant, make_station, client)
    client.post("/t/sheng/login", data={"username": "admin", "password": PASSWORD})
    county = client.get(f"/t/sheng/dashboard/federations/{tree['county1'].id}/panels/checklist?year=2026", headers=HX).get_data(as_text=True)
    assert {r[0]: r[1] for r in _rows(county)} == {"甲镇总工会": "2", "乙镇总工会": "1", "合计": "3"}
    town_page = client.get(f"/t/sheng/dashboard/federations/{tree['town1'].id}?year=2026").get_data(as_text=True)
    assert "某省总工会" in town_page and "甲市总工会" in town_page and "甲县总工会" in town_page  # the drill path
    stations = client.get(f"/t/sheng/dashboard/federations/{tree['town1'].id}/stations?year=2026").get_data(as_text=True)
    assert "甲镇一站" in stations and "20%" in stations  # 2 of 10 tasks
    station = client.get(f"/t/sheng/dashboard/federations/{tree['town1'].id}/stations/1?year=2026").get_data(as_text=True)
    assert "已完成" in station and "hx-get" not in station.split("<tbody>")[1]  # read-only cells


def test_a_county_sees_its_subtree_and_nothing_else(client, make_tenant, make_station):
    tree = build_tree(make_tenant, make_station, client)
    client.post("/t/xian1/login", data={"username": "admin", "password": PASSWORD})
    assert client.get("/t/xian1/dashboard?year=2026").status_code == 200
    for other in ("county2", "town3", "city1", "province"):  # a sibling, a cousin, its parent, the root
        tenant_id = tree[other].id
        assert client.get(f"/t/xian1/dashboard/federations/{tenant_id}?year=2026").status_code == 404, other
        assert client.get(f"/t/xian1/dashboard/federations/{tenant_id}/panels/checklist?year=2026").status_code == 404
        assert client.get(f"/t/xian1/dashboard/federations/{tenant_id}/stations?year=2026").status_code == 404
        assert client.get(f"/t/xian1/dashboard/federations/{tenant_id}/panels/checklist.xlsx?year=2026").status_code == 404
        assert client.get(f"/t/xian1/dashboard/federations/{tenant_id}/stations/1?year=2026").status_code == 404
    assert client.get(f"/t/xian1/dashboard/federations/{tree['town1'].id}/stations?year=2026").status_code == 200


def test_towns_have_no_dashboard_and_other_sessions_are_anonymous(client, make_tenant, make_station):
    tree = build_tree(make_tenant, make_station, client)
    client.post("/t/zhen1/login", data={"username": "admin", "password": PASSWORD})
    assert client.get("/t/zhen1/dashboard").status_code == 404
    response = client.get("/t/sheng/dashboard")
    assert response.status_code == 302 and "/t/sheng/login" in response.headers["Location"]


def test_completeness_stays_within_100_percent_when_enterprises_move(client, make_tenant, make_station):
    county = make_tenant("xian", kind="county", name="某县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    first, (a, b) = make_station(town, "一站", enterprises=2)
    second, _ = make_station(town, "二站", enterprises=1)
    done(client, "zhen", a)
    client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
    client.post(f"/t/zhen/enterprises/{a}/move", data={"station_id": second, "moved_on": "2026-04-01"})
    client.post(f"/t/zhen/enterprises/{b}/move", data={"station_id": second, "moved_on": "2026-05-01"})
    client.post("/t/zhen/logout")
    client.post("/t/xian/login", data={"username": "admin", "password": PASSWORD})
    rows = {r[0]: r for r in _rows(client.get(f"/t/xian/dashboard/federations/{county.id}/panels/checklist?year=2026", headers=HX).get_data(as_text=True))}
    assert rows["某镇总工会"][1:3] == ["3", "33%"]


def test_panels_export_to_excel(client, make_tenant, make_station):
    tree = build_tree(make_tenant, make_station, client)
    client.post("/t/sheng/login", data={"username": "admin", "password": PASSWORD})
    book = load_workbook(io.BytesIO(client.get(f"/t/sheng/dashboard/federations/{tree['province'].id}/panels/checklist.xlsx?year=2026").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("地区/工会", "覆盖企业", "会员代表大会完成率(%)")
    assert rows[-1][:3] == ("合计", 7, 71)
    stations = load_workbook(io.BytesIO(client.get(f"/t/sheng/dashboard/federations/{tree['province'].id}/panels/stations.xlsx?year=2026").data))
    assert list(stations.active.iter_rows(values_only=True))[-1][:4] == ("合计", 3, 0, 0)


def test_the_reduction_panel_sums_each_child_subtree_against_the_targets(client, make_tenant):
    city = make_tenant("shi", kind="city", name="某市总工会")
    county = make_tenant("xian", kind="county", name="某县总工会", parent=city)
    make_tenant("zhen", kind="town", name="某镇总工会", parent=county)

    def register(slug, year, n):
        client.post(f"/t/{slug}/login", data={"username": "admin", "password": PASSWORD})
        for i in range(n):
            client.post(f"/t/{slug}/reduction/documents/new", data={
                "number": f"{slug}〔{year}〕{i}号", "title": f"通知{i}", "department": "办公室", "issued_on": f"{year}-03-0{i % 9 + 1}",
                "doc_type": "general", "has_measures": "y", "body": f"{slug} 第 {i} 号文件的具体内容与措施，年份 {year}。"})
        client.post(f"/t/{slug}/logout")

    register("xian", 2025, 10)
    register("xian", 2026, 6)   # 40% fewer: meets the 30% cut
    register("shi", 2025, 4)
    register("shi", 2026, 4)    # no cut: misses it
    client.post("/t/shi/login", data={"username": "admin", "password": PASSWORD})
    body = client.get(f"/t/shi/dashboard/federations/{city.id}/panels/reduction?year=2026", headers=HX).get_data(as_text=True)
    rows = {r[0]: r for r in _rows(body)}
    assert rows["某市总工会（本级）"][1:3] == ["4 → 4", "未达标"]
    assert rows["某县总工会"][1:3] == ["10 → 6", "达标"]
    assert rows["合计"][1:3] == ["14 → 10", "未达标"]  # limit 9


def test_a_federations_own_row_links_to_its_own_pages(client, make_tenant, make_station):
    """The "（本级）" row of an upper federation with stations of its own: its links answer (they once recursed
    through the current-tenant proxy and gave a 500)."""
    county = make_tenant("xian", kind="county", name="某县总工会")
    make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    _station, (a,) = make_station(county, "县直一站", enterprises=1)
    done(client, "xian", a)
    client.post("/t/xian/login", data={"username": "admin", "password": PASSWORD})
    panel = client.get(f"/t/xian/dashboard/federations/{county.id}/panels/checklist?year=2026", headers=HX).get_data(as_text=True)
    assert "某县总工会（本级）" in panel
    for url in (f"/t/xian/dashboard/federations/{county.id}?year=2026",
                f"/t/xian/dashboard/federations/{county.id}/stations?year=2026",
                f"/t/xian/dashboard/federations/{county.id}/stations/1?year=2026"):
        page = client.get(url)
        assert page.status_code == 200, url
    assert "县直一站" in client.get(f"/t/xian/dashboard/federations/{county.id}/stations?year=2026").get_data(as_text=True)
