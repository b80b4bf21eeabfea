"""Scoring a station: the default sheet, hand-scored items with htmx, review, locking and stipends."""
import datetime as dt
import io
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditEvent
from app.grading.models import StationScore, StipendAward
from app.stations import services as station_services
from app.stations.models import WorkStation
from tests.conftest import in_tenant
from tests.stations.factories import fixed_today, make_station  # noqa: F401

HX = {"HX-Request": "true"}
TASKS = ("member_congress", "workers_congress", "wage_negotiation", "labour_competition", "cultural_activity")


def fill_checklist(client, slug, enterprise_ids, tasks=TASKS):
    for enterprise_id in enterprise_ids:
        for task in tasks:
            client.post(f"/t/{slug}/checklist/{enterprise_id}/2026/{task}", data={"version": "0", "status": "done", "held_on": "2026-03-01"})


def manual_item_ids(client, slug, station_id):
    page = client.get(f"/t/{slug}/grading/stations/{station_id}?year=2026").get_data(as_text=True)
    import re

    return list(dict.fromkeys(int(n) for n in re.findall(r'/grading/stations/\d+/items/(\d+)\?year=2026', page)))


def test_the_default_sheet_explains_every_point(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, ids = make_station(tenant, chief="chief1", enterprises=4)
    login_as(tenant, "chief1")
    fill_checklist(client, "sanxing", ids[:3], ("member_congress",))
    page = client.get(f"/t/sanxing/grading/stations/{station_id}?year=2026").get_data(as_text=True)
    assert "默认考核表" in page
    assert "4 家企业中 3 家已召开会员代表大会（75%） → 12 分 × 75% = 9 分" in page
    assert "已配备站长（12 个月）" in page


def test_a_manual_item_changed_with_htmx_updates_the_total_and_tier(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, ids = make_station(tenant, chief="chief1", enterprises=2)
    login_as(tenant, "chief1")
    fill_checklist(client, "sanxing", ids)
    _results, satisfaction, _service = manual_item_ids(client, "sanxing", station_id)
    url = f"/t/sanxing/grading/stations/{station_id}/items/{satisfaction}?year=2026"
    missing_reason = client.post(url, headers=HX, data={"value": "9"})
    assert missing_reason.status_code == 422 and "人工评分请说明理由" in missing_reason.get_data(as_text=True)
    response = client.post(url, headers=HX, data={"value": "9", "reason": "职工问卷满意率 92%"})
    body = response.get_data(as_text=True)
    assert body.startswith(f'<tr id="line-{satisfaction}">') and "人工评分 9 分：职工问卷满意率 92%" in body
    # 60 (5 tasks, all done) + 9 (satisfaction); N, evidence and budget at 0
    assert 'id="grading-total" class="score-box" hx-swap-oob="true"' in body and '<span class="score">69.0</span>' in body and "合格" in body
    too_many = client.post(url, headers=HX, data={"value": "11", "reason": "x"})
    assert too_many.status_code == 422 and "得分应在 0 到 10" in too_many.get_data(as_text=True)


def test_a_refused_entry_stores_nothing_not_even_the_draft_score(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    _results, satisfaction, _service = manual_item_ids(client, "sanxing", station_id)
    url = f"/t/sanxing/grading/stations/{station_id}/items/{satisfaction}?year=2026"
    for headers in ({}, HX):
        refused = client.post(url, headers=headers, data={"value": "9"})
        assert refused.status_code == 422 and "人工评分请说明理由" in refused.get_data(as_text=True)
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count(StationScore.id))) == 0


def test_review_returns_with_a_reason_then_confirms_and_locks_the_year(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, ids = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    fill_checklist(client, "sanxing", ids, ("member_congress",))
    base = f"/t/sanxing/grading/stations/{station_id}"
    client.post(f"{base}/submit?year=2026")
    client.post("/t/sanxing/logout")
    login_as(tenant)
    client.post(f"{base}/return?year=2026", data={"reason": ""})
    assert "待审核" in client.get(f"{base}?year=2026").get_data(as_text=True)  # no reason, not returned
    client.post(f"{base}/return?year=2026", data={"reason": "满意度评分缺少依据"})
    client.post("/t/sanxing/logout")
    login_as(tenant, "chief1")
    assert "已退回：满意度评分缺少依据" in client.get(f"{base}?year=2026").get_data(as_text=True)
    client.post(f"{base}/submit?year=2026")
    assert client.post(f"{base}/confirm?year=2026").status_code == 403  # chiefs do not confirm
    client.post("/t/sanxing/logout")
    login_as(tenant)
    client.post(f"{base}/confirm?year=2026")
    with in_tenant(app, tenant) as session:
        score = session.scalar(sa.select(StationScore))
        assert (score.status, score.total, score.tier) == ("confirmed", Decimal("12.0"), "不合格")

    locked = client.post(f"/t/sanxing/checklist/{ids[0]}/2026/workers_congress", data={"version": "0", "status": "done", "held_on": "2026-04-01"})
    assert locked.status_code == 422 and "考核已确认，相关数据已锁定" in locked.get_data(as_text=True)
    expense = client.post(f"/t/sanxing/stations/{station_id}/expenses", data={"spent_on": "2026-04-01", "amount": "10", "category": "other"})
    assert expense.status_code == 422 and "经费数据已锁定" in expense.get_data(as_text=True)
    page = client.get(f"{base}?year=2026").get_data(as_text=True)
    assert "1 家企业中 1 家已召开会员代表大会" in page and "确认" in page

    client.post(f"{base}/unlock?year=2026", data={"reason": ""})
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(StationScore.status)) == "confirmed"
    client.post(f"{base}/unlock?year=2026", data={"reason": "补录职代会材料"})
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(StationScore.status)) == "submitted"
        unlock = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grading.unlock"))
        assert unlock.actor == "admin" and "补录职代会材料" in unlock.detail
    assert client.post(f"/t/sanxing/checklist/{ids[0]}/2026/workers_congress",
                       data={"version": "0", "status": "done", "held_on": "2026-04-01"}).status_code == 302


def test_confirmed_stipends_are_pro_rated_by_months_in_role(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, ids = make_station(tenant, chief="chief1", deputy="deputy1", enterprises=2)
    login_as(tenant)
    # a new chief from 20 March: the first held office on 15 Jan, Feb and Mar (3 months), the second Apr–Dec (9)
    client.post(f"/t/sanxing/stations/{station_id}/people", data={"name": "新站长", "role": "chief", "source": "backbone_chair",
                                                                 "started_on": "2026-03-20"})
    fill_checklist(client, "sanxing", ids)
    with in_tenant(app, tenant) as session:  # enough to be 优秀: N activities, evidence-free budget use
        station = session.get(WorkStation, station_id)
        station_services.add_expense(station, {"spent_on": dt.date(2026, 5, 1), "amount": Decimal("24000"), "category": "activity",
                                               "description": "活动"}, confirmed=False, actor="t")
        session.commit()
    for enterprise_id in ids:
        for n in range(2):
            client.post(f"/t/sanxing/enterprises/{enterprise_id}/checklist/2026", data={"version": "0", "title": f"活动{n}", "status": "done", "held_on": "2026-04-01"})
    _results, satisfaction, service = manual_item_ids(client, "sanxing", station_id)
    client.post(f"/t/sanxing/grading/stations/{station_id}/items/{satisfaction}?year=2026", data={"value": "10", "reason": "问卷"})
    client.post(f"/t/sanxing/grading/stations/{station_id}/items/{service}?year=2026", data={"value": "5", "reason": "代办案件 3 件"})
    client.post(f"/t/sanxing/grading/stations/{station_id}/submit?year=2026")
    client.post(f"/t/sanxing/grading/stations/{station_id}/confirm?year=2026")
    with in_tenant(app, tenant) as session:
        score = session.scalar(sa.select(StationScore))
        awards = sorted((a.role, a.months, a.amount) for a in session.scalars(sa.select(StipendAward)))
    assert score.total == Decimal("95.0") and score.tier == "优秀"
    assert awards == [("chief", 3, Decimal("900.00")), ("chief", 9, Decimal("2700.00")), ("deputy", 12, Decimal("3000.00"))]
    roster = load_workbook(io.BytesIO(client.get("/t/sanxing/grading/stipends.xlsx?year=2026").data)).active
    rows = list(roster.iter_rows(values_only=True))
    assert rows[0][0] == "工作站" and rows[-1][0] == "合计" and Decimal(str(rows[-1][5])) == Decimal("6600")
    overview = client.get("/t/sanxing/grading?year=2026").get_data(as_text=True)
    assert "95.0" in overview and "6,600.00" in overview


def test_the_sheet_editor_refuses_to_publish_unless_it_adds_up_to_100(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    make_station(tenant, enterprises=0)
    login_as(tenant)
    client.get("/t/sanxing/grading/sheet?year=2026")
    added = client.post("/t/sanxing/grading/sheet/items?year=2026", data={
        "category": "六、绩效", "name": "工会经费增长", "kind": "bracket", "metric": "", "max_points": "20", "brackets": "20:20; 10:15; 5:10; *:5"})
    assert added.status_code == 302
    page = client.get("/t/sanxing/grading/sheet?year=2026").get_data(as_text=True)
    assert "草稿" in page and "当前为 120 分" in page
    refused = client.post("/t/sanxing/grading/sheet/publish?year=2026", follow_redirects=True).get_data(as_text=True)
    assert "各项满分合计应为 100 分，当前为 120 分" in refused
    bad = client.post("/t/sanxing/grading/sheet/items?year=2026", data={
        "category": "x", "name": "y", "kind": "bracket", "metric": "", "max_points": "5", "brackets": "很多:5"})
    assert bad.status_code == 422 and "分档格式应为" in bad.get_data(as_text=True)
    import re

    ids = list(dict.fromkeys(re.findall(r"/grading/sheet/items/(\d+)/delete", page)))
    for item_id in ids[:2]:  # two coverage items of 12 points: 120 - 24 = 96
        client.post(f"/t/sanxing/grading/sheet/items/{item_id}/delete?year=2026")
    client.post("/t/sanxing/grading/sheet/items?year=2026", data={"category": "x", "name": "台账规范", "kind": "manual", "metric": "", "max_points": "4"})
    published = client.post("/t/sanxing/grading/sheet/publish?year=2026", follow_redirects=True).get_data(as_text=True)
    assert "考核表已发布" in published


def test_tiers_and_stipends_are_configurable(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    make_station(tenant, enterprises=0)
    login_as(tenant)
    client.get("/t/sanxing/grading/sheet?year=2026")
    bad = client.post("/t/sanxing/grading/sheet/tiers?year=2026", data={"tiers": "优秀,九十,3600,3000"})
    assert bad.status_code == 422 and "第 1 行的分数或金额不是数字" in bad.get_data(as_text=True)
    ok = client.post("/t/sanxing/grading/sheet/tiers?year=2026", data={"tiers": "优秀,85,4000,3200\n良好,70,1000,800\n合格,60,0,0"})
    assert ok.status_code == 302
    assert "85.0,4000.00,3200.00" in client.get("/t/sanxing/grading/sheet?year=2026").get_data(as_text=True)


def test_only_the_stations_own_people_and_administrators_score_it(client, make_tenant, make_user, login_as, make_station):
    tenant = make_tenant("sanxing")
    mine, _ = make_station(tenant, "一站", chief="chief1", enterprises=1)
    other, _ = make_station(tenant, "二站", chief="chief2", enterprises=1)
    make_user(tenant, "reader", role="viewer")
    login_as(tenant, "chief1")
    [item, *_] = manual_item_ids(client, "sanxing", mine)
    assert client.post(f"/t/sanxing/grading/stations/{other}/items/{item}?year=2026", data={"value": "5", "reason": "x"}).status_code == 403
    assert client.post(f"/t/sanxing/grading/stations/{other}/submit?year=2026").status_code == 403
    assert client.post("/t/sanxing/grading/sheet/items?year=2026", data={"category": "x"}).status_code == 403
    assert client.get(f"/t/sanxing/grading/stations/{other}?year=2026").status_code == 200  # reading is fine
    client.post("/t/sanxing/logout")
    login_as(tenant, "reader")
    assert client.post(f"/t/sanxing/grading/stations/{mine}/submit?year=2026").status_code == 403


def test_a_submitted_self_assessment_cannot_be_changed_by_the_chief(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    [item, *_] = manual_item_ids(client, "sanxing", station_id)
    client.post(f"/t/sanxing/grading/stations/{station_id}/submit?year=2026")
    refused = client.post(f"/t/sanxing/grading/stations/{station_id}/items/{item}?year=2026", data={"value": "5", "reason": "x"})
    assert refused.status_code == 403 or "自评已提交" in refused.get_data(as_text=True)


GRADING_ROUTES = [("get", "/grading/stations/1?year=2026"), ("post", "/grading/stations/1/submit?year=2026"),
                  ("post", "/grading/stations/1/confirm?year=2026"), ("post", "/grading/stations/1/items/9?year=2026"),
                  ("get", "/grading/stipends.xlsx?year=2026"), ("get", "/grading/sheet?year=2026")]


def test_no_grading_route_reaches_another_federation(client, make_tenant, login_as, make_station):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    make_station(b, "乙站", chief="chief1", enterprises=1)
    login_as(a)
    assert client.get("/t/town-a/grading/stations/1?year=2026").status_code == 404  # a has no station 1; b's is not reached
    assert "乙站" not in client.get("/t/town-a/grading?year=2026").get_data(as_text=True)
    for method, path in GRADING_ROUTES:
        response = getattr(client, method)(f"/t/town-b{path}")
        assert response.status_code == 302 and "/t/town-b/login" in response.headers["Location"], path


def test_the_score_page_lists_categories_in_sheet_order(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ids = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    page = client.get(f"/t/sanxing/grading/stations/{station_id}?year=2026").get_data(as_text=True)
    import re

    shown = list(dict.fromkeys(re.findall(r'<tr class="category"><th colspan="5">([^<]+)</th>', page)))
    from app.grading.services import DEFAULT_ITEMS

    assert shown == list(dict.fromkeys(item[0] for item in DEFAULT_ITEMS))
    assert shown[:3] == ["一、5+N 五项任务", "二、N 项活动", "三、工作实效"]
