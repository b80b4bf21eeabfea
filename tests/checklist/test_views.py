"""The chief's grid, in-place editing with htmx and without, conflicts, evidence and the audit trail."""
import io
import re
import zipfile

import sqlalchemy as sa
from openpyxl import load_workbook

from app.audit.models import AuditEvent
from app.checklist.models import ChecklistItem
from tests.conftest import in_tenant
from tests.stations.factories import fixed_today, make_station  # noqa: F401

HX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_grid_shows_every_enterprise_and_task_with_progress(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, ids = make_station(tenant, chief="chief1", enterprises=3)
    login_as(tenant, "chief1")
    page = client.get(f"/t/sanxing/stations/{station_id}/checklist?year=2026").get_data(as_text=True)
    for enterprise_id in ids:
        assert f'id="enterprise-{enterprise_id}"' in page
        assert f'id="cell-{enterprise_id}-wage_negotiation"' in page
    assert 'id="checklist-progress"' in page and "0%（0/15）" in page


def test_searching_as_you_type_returns_the_grid_fragment(client, make_tenant, login_as, make_station, app):
    tenant = make_tenant("sanxing")
    station_id, ids = make_station(tenant, chief="chief1", enterprises=3)
    login_as(tenant, "chief1")
    with in_tenant(app, tenant) as session:
        from app.stations.models import Enterprise

        name = session.get(Enterprise, ids[1]).name
    response = client.get(f"/t/sanxing/stations/{station_id}/checklist?year=2026&q={name}", headers=HX)
    body = response.get_data(as_text=True)
    assert body.startswith('<div id="checklist-grid">') and "<html" not in body
    assert f'id="enterprise-{ids[1]}"' in body and f'id="enterprise-{ids[0]}"' not in body
    assert "0%（0/15）" in body  # completion still counts the whole station


def test_the_grid_filters_enterprises_with_open_tasks(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first, second) = make_station(tenant, chief="chief1", enterprises=2)
    login_as(tenant, "chief1")
    for task in ("member_congress", "workers_congress", "wage_negotiation", "labour_competition", "cultural_activity"):
        client.post(f"/t/sanxing/checklist/{first}/2026/{task}", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    grid = f"/t/sanxing/stations/{station_id}/checklist?year=2026"
    open_rows = client.get(grid + "&show=open", headers=HX).get_data(as_text=True)
    complete_rows = client.get(grid + "&show=complete", headers=HX).get_data(as_text=True)
    assert f'id="enterprise-{second}"' in open_rows and f'id="enterprise-{first}"' not in open_rows
    assert f'id="enterprise-{first}"' in complete_rows and f'id="enterprise-{second}"' not in complete_rows
    assert "50%（5/10）" in open_rows and "50%（5/10）" in complete_rows


def test_a_cell_opens_as_a_form_in_place_and_saving_updates_cell_row_and_progress(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first, *_rest) = make_station(tenant, chief="chief1", enterprises=2)
    login_as(tenant, "chief1")
    url = f"/t/sanxing/checklist/{first}/2026/member_congress"
    form = client.get(url, headers=HX).get_data(as_text=True)
    assert form.startswith(f'<td id="cell-{first}-member_congress" class="cell editing">') and 'name="version" type="hidden" value="0"' in form
    saved = client.post(url, headers=HX, data={"version": "0", "status": "done", "held_on": "2026-03-08", "delegates_expected": "30", "delegates_present": "18"})
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert re.search(rf'<td id="cell-{first}-member_congress" class="cell status-done saved">', body)
    assert f'id="enterprise-{first}-done" hx-swap-oob="true">1/5<' in body
    assert 'id="checklist-progress" class="progress-panel" hx-swap-oob="true"' in body and "10%（1/10）" in body
    assert "不足应到 30 人的三分之二" in body  # 18 of 30 present


def test_an_invalid_cell_comes_back_with_the_error_beside_the_field(client, make_tenant, login_as, make_station, app):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    response = client.post(f"/t/sanxing/checklist/{first}/2026/wage_negotiation", headers=HX, data={"version": "0", "status": "done"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.startswith(f'<td id="cell-{first}-wage_negotiation" class="cell editing">')
    assert f'id="cell-{first}-wage_negotiation-held_on-error">标记为已完成前，请填写举办日期' in body
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ChecklistItem)) == 0


def test_without_javascript_the_same_url_is_a_page_and_saving_redirects_to_the_grid(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    url = f"/t/sanxing/checklist/{first}/2026/labour_competition"
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and 'id="item-form"' in page
    saved = client.post(url, data={"version": "0", "status": "planned", "planned_on": "2026-09-01", "activity_kind": "技能比武"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/t/sanxing/stations/{station_id}/checklist?year=2026")
    assert "计划 09-01" in client.get(saved.headers["Location"]).get_data(as_text=True)


def test_a_stale_form_is_refused_and_shows_the_current_values(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", deputy="deputy1", enterprises=1)
    url = f"/t/sanxing/checklist/{first}/2026/cultural_activity"
    login_as(tenant, "chief1")
    assert client.post(url, data={"version": "0", "status": "done", "held_on": "2026-05-01", "notes": "篮球赛（站长填写）"}).status_code == 302
    # the deputy had opened the form before the chief saved: their version is 0
    client.post("/t/sanxing/logout")
    login_as(tenant, "deputy1")
    stale = client.post(url, headers=HX, data={"version": "0", "status": "planned", "planned_on": "2026-08-01", "notes": "副站长的修改"})
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "chief1 已于" in body and "篮球赛（站长填写）" in body and "副站长的修改" not in body
    assert 'name="version" type="hidden" value="1"' in body
    fresh = client.post(url, data={"version": "1", "status": "done", "held_on": "2026-05-01", "notes": "篮球赛，补充照片"})
    assert fresh.status_code == 302


def test_a_garbled_version_is_refused_with_a_message_and_nothing_is_saved(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    for version in ("abc", "1.5", "-1", "9" * 30):
        response = client.post(f"/t/sanxing/checklist/{first}/2026/cultural_activity", headers=HX,
                               data={"version": version, "status": "done", "held_on": "2026-05-01"})
        assert response.status_code == 422 and "表单已失效，请刷新页面后重新填写" in response.get_data(as_text=True)
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count(ChecklistItem.id))) == 0


def test_every_change_is_in_the_audit_trail_shown_on_the_item(client, make_tenant, login_as, make_station, app):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    url = f"/t/sanxing/checklist/{first}/2026/workers_congress"
    client.post(url, data={"version": "0", "status": "planned", "planned_on": "2026-07-01"})
    client.post(url, data={"version": "1", "status": "done", "held_on": "2026-06-10", "planned_on": "2026-07-01"})
    page = client.get(url).get_data(as_text=True)
    assert "修改记录" in page and "已计划" not in page.split("修改记录")[0].split("<select")[0]
    assert "planned → done" in page and "— → 2026-06-10" in page
    with in_tenant(app, tenant) as session:
        actors = session.scalars(sa.select(AuditEvent.actor).where(AuditEvent.subject.like("checklist_item:%"))).all()
    assert actors == ["chief1", "chief1"]


def test_n_activities_are_added_and_counted(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    url = f"/t/sanxing/enterprises/{first}/checklist/2026"
    missing_title = client.post(url, data={"version": "0", "status": "done", "held_on": "2026-04-01"})
    assert missing_title.status_code == 422 and "请填写活动名称" in missing_title.get_data(as_text=True)
    assert client.post(url, data={"version": "0", "title": "夏送清凉", "status": "done", "held_on": "2026-06-01", "participants": "40"}).status_code == 302
    assert "夏送清凉" in client.get(url).get_data(as_text=True)
    grid = client.get(f"/t/sanxing/stations/{station_id}/checklist?year=2026").get_data(as_text=True)
    assert "N 项活动合计 1 次" in grid


def test_evidence_is_checked_by_content_and_reachable_only_in_its_federation(client, make_tenant, login_as, make_station):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    station_id, (first,) = make_station(a, chief="chief1", enterprises=1)
    make_station(b, chief="chief1", enterprises=1)
    login_as(a, "chief1")
    client.post(f"/t/town-a/checklist/{first}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    upload = "/t/town-a/checklist/items/1/evidence"
    refused = client.post(upload, data={"file": (io.BytesIO(b"<html><script>x</script>"), "会议纪要.pdf")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "实际内容不是这些类型" in refused.get_data(as_text=True)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    client.post(upload, data={"file": (io.BytesIO(docx.getvalue()), "会议纪要.docx")}, content_type="multipart/form-data")
    client.post(upload, data={"file": (io.BytesIO(PDF), "签到表.pdf")}, content_type="multipart/form-data")
    page = client.get(f"/t/town-a/checklist/{first}/2026/member_congress").get_data(as_text=True)
    assert "会议纪要.docx" in page and "签到表.pdf" in page
    download = client.get("/t/town-a/checklist/evidence/2")
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    client.post("/t/town-a/logout")
    login_as(b, "chief1")
    assert client.get("/t/town-b/checklist/evidence/2").status_code == 404  # b has no evidence 2, and a's file is not served


def test_the_checklist_exports_to_excel(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first, second) = make_station(tenant, chief="chief1", enterprises=2)
    login_as(tenant, "chief1")
    client.post(f"/t/sanxing/checklist/{first}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    book = load_workbook(io.BytesIO(client.get(f"/t/sanxing/stations/{station_id}/checklist.xlsx?year=2026").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][2] == "会员代表大会" and len(rows) == 4
    assert rows[-1][0] == "合计" and rows[-1][2] == "1/2（50%）"


def test_the_chiefs_home_is_a_todo_list_soonest_first(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    base = f"/t/sanxing/checklist/{first}/2026"
    client.post(f"{base}/member_congress", data={"version": "0", "status": "planned", "planned_on": "2026-09-01"})
    client.post(f"{base}/workers_congress", data={"version": "0", "status": "planned", "planned_on": "2026-06-01"})
    client.post(f"{base}/wage_negotiation", data={"version": "0", "status": "done", "held_on": "2026-06-01"})
    home = client.get("/t/sanxing/").get_data(as_text=True)
    todo = home.split('<div id="todo">')[1]
    assert todo.index("2026-06-01") < todo.index("已逾期") < todo.index("2026-09-01") < todo.index("未安排")
    assert "工资集体协商" not in todo  # done


def test_a_chief_cannot_edit_another_stations_checklist_and_a_viewer_none(client, make_tenant, make_user, login_as, make_station):
    tenant = make_tenant("sanxing")
    make_station(tenant, "一站", chief="chief1", enterprises=1)
    other, (theirs,) = make_station(tenant, "二站", chief="chief2", enterprises=1)
    make_user(tenant, "reader", role="viewer")
    data = {"version": "0", "status": "done", "held_on": "2026-03-01"}
    login_as(tenant, "chief1")
    assert client.post(f"/t/sanxing/checklist/{theirs}/2026/member_congress", data=data).status_code == 403
    assert client.post(f"/t/sanxing/enterprises/{theirs}/checklist/2026", data={**data, "title": "x"}).status_code == 403
    page = client.get(f"/t/sanxing/stations/{other}/checklist?year=2026").get_data(as_text=True)
    assert "hx-get" not in page.split('id="checklist-grid"')[1]  # read-only cells
    client.post("/t/sanxing/logout")
    login_as(tenant, "reader")
    assert client.post(f"/t/sanxing/checklist/{theirs}/2026/member_congress", data=data).status_code == 403


def test_unknown_tasks_and_years_are_404(client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (first,) = make_station(tenant, chief="chief1", enterprises=1)
    login_as(tenant, "chief1")
    assert client.get(f"/t/sanxing/checklist/{first}/2026/bribery").status_code == 404
    assert client.get(f"/t/sanxing/checklist/{first}/1900/member_congress").status_code == 404
    assert client.get("/t/sanxing/checklist/999/2026/member_congress").status_code == 404


CHECKLIST_ROUTES = ["/stations/{s}/checklist", "/stations/{s}/checklist.xlsx", "/checklist/{e}/2026/member_congress",
                    "/checklist/{e}/2026/member_congress/cell", "/enterprises/{e}/checklist/2026", "/checklist/items/1",
                    "/checklist/evidence/1", "/todo"]


def test_no_checklist_route_reaches_another_federation(client, make_tenant, login_as, make_station):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    station_b, (enterprise_b,) = make_station(b, "乙站", chief="chief1", enterprises=1)
    login_as(b, "chief1")
    client.post(f"/t/town-b/checklist/{enterprise_b}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    client.post("/t/town-b/logout")
    login_as(a)  # a has no stations, enterprises or items at all
    for route in CHECKLIST_ROUTES:
        path = route.format(s=station_b, e=enterprise_b)
        under_a = client.get(f"/t/town-a{path}")
        assert under_a.status_code in (200, 404), path
        assert "乙站" not in under_a.get_data(as_text=True) and under_a.status_code == (200 if path == "/todo" else 404), path
        under_b = client.get(f"/t/town-b{path}")
        assert under_b.status_code == 302 and "/t/town-b/login" in under_b.headers["Location"], path
