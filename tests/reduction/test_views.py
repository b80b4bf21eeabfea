"""Reduction pages: registers with htmx filters, forms with and without htmx, flags and overrides,
the duplication check, the dashboard, the roll-up, the calendar page and cross-tenant access."""
import datetime as dt
import io
import re
import zipfile

import sqlalchemy as sa

from app.reduction.models import Document, ReductionFlag
from tests.conftest import in_tenant
from tests.reduction.factories import (  # noqa: F401
    COPYING_DRAFT, INDEPENDENT_DRAFT, SUPERIOR_TEXT, fixed_today, register, tree,
)

HX = {"HX-Request": "true"}
D = dt.date


def docx(*paragraphs):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                              f"<w:body>{body}</w:body></w:document>")
    return out.getvalue()


DOCUMENT_FORM = {"number": "海工发〔2026〕5号", "title": "关于为基层减负的实施意见", "department": "办公室", "issued_on": "2026-06-10",
                 "doc_type": "general", "has_measures": "y"}


def test_the_administrator_registers_a_pasted_document_and_a_viewer_only_reads(app, client, tree, make_user, login_as):
    make_user(tree["haimen"], "reader", role="viewer")
    login_as(tree["haimen"], "reader")
    assert client.get("/t/haimen/reduction/documents/new").status_code == 403
    assert client.post("/t/haimen/reduction/documents/new", data={**DOCUMENT_FORM, "body": INDEPENDENT_DRAFT}).status_code == 403
    client.post("/t/haimen/logout")
    login_as(tree["haimen"])
    missing = client.post("/t/haimen/reduction/documents/new", data=DOCUMENT_FORM)
    assert missing.status_code == 422 and "请粘贴全文或上传" in missing.get_data(as_text=True)
    created = client.post("/t/haimen/reduction/documents/new", data={**DOCUMENT_FORM, "body": INDEPENDENT_DRAFT})
    assert created.status_code == 302
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "关于为基层减负的实施意见" in page and "海工发〔2026〕5号" in page and "没有违反减负措施的标记" in page
    client.post("/t/haimen/logout")
    login_as(tree["haimen"], "reader")
    assert "关于为基层减负的实施意见" in client.get("/t/haimen/reduction/documents?year=2026").get_data(as_text=True)
    assert client.post(created.headers["Location"].replace("http://jiceng.test", ""), data={**DOCUMENT_FORM, "body": "改"}).status_code == 403


def test_the_text_comes_from_an_uploaded_docx_or_txt_and_other_files_are_refused(app, client, tree, login_as):
    login_as(tree["haimen"])
    url = "/t/haimen/reduction/documents/new"
    from_word = client.post(url, data={**DOCUMENT_FORM, "file": (io.BytesIO(docx("第一段：减少发文。", "第二段：压缩会议。")), "意见.docx")},
                            content_type="multipart/form-data")
    assert from_word.status_code == 302
    from_text = client.post(url, data={**DOCUMENT_FORM, "number": "", "file": (io.BytesIO("纯文本全文，GB 编码。".encode("gb18030")), "通知.txt")},
                            content_type="multipart/form-data")
    assert from_text.status_code == 302
    disguised = client.post(url, data={**DOCUMENT_FORM, "number": "", "file": (io.BytesIO(b"%PDF-1.4 not text"), "通知.txt")},
                            content_type="multipart/form-data")
    assert disguised.status_code == 422 and "只能上传 Word 文档（.docx）或纯文本文件（.txt）" in disguised.get_data(as_text=True)
    with in_tenant(app, tree["haimen"]) as session:
        bodies = dict(session.execute(sa.select(Document.source_name, Document.body)).all())
    assert bodies == {"意见.docx": "第一段：减少发文。\n第二段：压缩会议。", "通知.txt": "纯文本全文，GB 编码。"}


def test_an_uploaded_files_name_is_kept_only_as_a_display_name(app, client, tree, login_as):
    login_as(tree["haimen"])
    for name in ("../../etc/意见.docx", "草稿/\u202e通知.exe"):
        response = client.post("/t/haimen/reduction/documents/new", data={
            **DOCUMENT_FORM, "number": "", "title": f"通知{len(name)}", "file": (io.BytesIO(docx("全文。")), name)},
            content_type="multipart/form-data")
        assert response.status_code == 302
    with in_tenant(app, tree["haimen"]) as session:
        names = set(session.scalars(sa.select(Document.source_name)))
    assert names == {"意见.docx", "通知.docx"}


def test_the_document_register_filters_with_htmx(client, tree, register, login_as):
    register(tree["haimen"], title="普发甲", department="组织部", body=INDEPENDENT_DRAFT)
    register(tree["haimen"], title="简报乙", doc_type="briefing", is_routine=True, department="宣传部", body="简报：" + INDEPENDENT_DRAFT)
    register(tree["haimen"], title="去年的", issued_on=D(2025, 3, 1), body="去年：" + INDEPENDENT_DRAFT)
    login_as(tree["haimen"])
    page = client.get("/t/haimen/reduction/documents").get_data(as_text=True)
    assert "<html" in page and "普发甲" in page and "简报乙" in page and "去年的" not in page
    fragment = client.get("/t/haimen/reduction/documents?year=2026&flag=open", headers=HX)
    body = fragment.get_data(as_text=True)
    assert body.startswith('<div id="documents">') and "<html" not in body and "HX-Request" in fragment.headers["Vary"]
    assert "简报乙" in body and "普发甲" not in body and "常规工作发简报" in body
    by_department = client.get("/t/haimen/reduction/documents?year=2026&department=组织部", headers=HX).get_data(as_text=True)
    assert "普发甲" in by_department and "简报乙" not in by_department
    by_type = client.get("/t/haimen/reduction/documents?year=2025&type=general", headers=HX).get_data(as_text=True)
    assert "去年的" in by_type and "共 1 件" in by_type


def test_the_check_page_shows_rate_sources_and_highlighted_passages(client, tree, register, login_as, make_user):
    register(tree["jiangsu"], title="为基层减负若干措施", number="苏工发〔2026〕1号")
    make_user(tree["haimen"], "drafter", role="staff")
    login_as(tree["haimen"], "drafter")
    page = client.post("/t/haimen/reduction/check", data={"body": COPYING_DRAFT})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in body
    rate = float(re.search(r"重复率 ([\d.]+)%", body).group(1))
    assert rate > 50 and "超过一半：退回修改" in body and "苏工发〔2026〕1号" in body and "江苏省总工会" in body
    assert "<mark>" in body and "全区各级工会要注重改革创新" in re.search(r"<mark>(.*?)</mark>", body, re.S).group(1) + body
    fragment = client.post("/t/haimen/reduction/check", data={"body": INDEPENDENT_DRAFT}, headers=HX).get_data(as_text=True)
    assert fragment.startswith('<div id="draft-check">') and "未超过一半：通过" in fragment and "<mark>" not in fragment
    empty = client.post("/t/haimen/reduction/check", data={"body": "  "}, headers=HX)
    assert empty.status_code == 422 and "请粘贴文稿全文" in empty.get_data(as_text=True)


def test_a_flag_is_overridden_only_with_a_reason_which_is_shown(app, client, tree, register, login_as, make_user):
    meeting_id = register(tree["haimen"], "meeting", duration_minutes=120)
    with in_tenant(app, tree["haimen"]) as session:
        flag_id = session.scalar(sa.select(ReductionFlag.id).where(ReductionFlag.subject_id == meeting_id))
    make_user(tree["haimen"], "reader", role="viewer")
    login_as(tree["haimen"], "reader")
    assert client.post(f"/t/haimen/reduction/flags/{flag_id}/override", data={"reason": "我觉得可以"}).status_code == 403
    client.post("/t/haimen/logout")
    login_as(tree["haimen"])
    no_reason = client.post(f"/t/haimen/reduction/flags/{flag_id}/override", data={"reason": "短"}, headers=HX)
    assert no_reason.status_code == 422 and "请写明理由" in no_reason.get_data(as_text=True)
    done = client.post(f"/t/haimen/reduction/flags/{flag_id}/override", data={"reason": "全年唯一的半天集中培训"}, headers=HX)
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and body.startswith(f'<li id="flag-{flag_id}"') and "已说明理由" in body
    assert "全年唯一的半天集中培训" in body and "admin" in body
    page = client.get(f"/t/haimen/reduction/meetings/{meeting_id}").get_data(as_text=True)
    assert "全年唯一的半天集中培训" in page and "说明理由</button>" not in page
    dashboard = client.get("/t/haimen/reduction?year=2026").get_data(as_text=True)
    assert "待处理的标记（0）" in dashboard


def test_meetings_register_as_plain_forms_and_with_htmx(client, tree, login_as):
    login_as(tree["haimen"])
    data = {"title": "全区工会工作会议", "department": "组织部", "held_on": "2026-06-10", "starts_at": "09:00", "duration_minutes": "91",
            "kind": "work", "mode": "onsite", "levels_down": "2", "could_be_video": "y"}
    invalid = client.post("/t/haimen/reduction/meetings/new", data={**data, "duration_minutes": "0"})
    assert invalid.status_code == 422 and "1–1440" in invalid.get_data(as_text=True)
    with_htmx = client.post("/t/haimen/reduction/meetings/new", data=data, headers=HX)
    assert with_htmx.status_code == 204 and "/t/haimen/reduction/meetings/1" in with_htmx.headers["HX-Redirect"]
    page = client.get("/t/haimen/reduction/meetings/1").get_data(as_text=True)
    for label in ("会议时长超过 90 分钟：时长 91 分钟", "会议开到下一级以下：开到下 2 级", "能用视频会议解决却开现场会"):
        assert label in page
    client.post("/t/haimen/reduction/meetings/new", data={**data, "title": "第二次工作会议", "held_on": "2026-07-01"})
    rows = client.get("/t/haimen/reduction/meetings?year=2026&department=组织部", headers=HX).get_data(as_text=True)
    assert rows.startswith('<div id="meetings">') and "同一部门一年内召开第二次及以上工作会议" in rows
    assert client.post("/t/haimen/reduction/meetings/1/delete").status_code == 302
    after = client.get("/t/haimen/reduction/meetings?year=2026", headers=HX).get_data(as_text=True)
    assert "第二次工作会议" in after and "同一部门一年内召开第二次及以上工作会议" not in after  # it is the first now


def test_inspections_choose_targets_below_and_the_page_says_when_the_calendar_does_not_know_the_year(client, tree, login_as):
    login_as(tree["haimen"])
    form = client.get("/t/haimen/reduction/inspections/new").get_data(as_text=True)
    assert "海门区三星镇总工会" in form and "苏州市总工会" not in form and "南通市总工会" not in form
    data = {"title": "年度考核", "department": "组织部", "kind": "assessment", "starts_on": "2026-09-30", "ends_on": "2026-10-02",
            "items": "8", "targets": [str(tree["sanxing"].id)]}
    outside = client.post("/t/haimen/reduction/inspections/new", data={**data, "targets": [str(tree["suzhou"].id)]})
    assert outside.status_code == 422 and "只能选择本会下级的工会" in outside.get_data(as_text=True)
    assert client.post("/t/haimen/reduction/inspections/new", data=data).status_code == 302
    assert "检查期间含公休日或法定节假日：2026-10-01 国庆节" in client.get("/t/haimen/reduction/inspections/1").get_data(as_text=True)
    known = client.get("/t/haimen/reduction/inspections?year=2026").get_data(as_text=True)
    assert 'id="calendar-notice"' not in known
    unknown = client.get("/t/haimen/reduction/inspections?year=2099", headers=HX).get_data(as_text=True)
    assert 'id="calendar-notice"' in unknown and "目前按周末推算公休日" in unknown and "录入 2099 年" not in unknown


def test_an_inspection_at_the_end_of_the_calendar_is_refused_with_a_message(client, tree, login_as):
    login_as(tree["haimen"])
    data = {"title": "年度考核", "department": "组织部", "kind": "assessment", "starts_on": "9999-12-31", "ends_on": "9999-12-31",
            "items": "8", "targets": [str(tree["sanxing"].id)]}
    refused = client.post("/t/haimen/reduction/inspections/new", data=data)
    assert refused.status_code == 422 and "日期应在 1900 年至 2100 年之间" in refused.get_data(as_text=True)
    too_many = client.post("/t/haimen/reduction/inspections/new", data={**data, "starts_on": "2026-05-06", "ends_on": "2026-05-06",
                                                                        "items": "2147483648"})
    assert too_many.status_code == 422 and "数值过大，不能超过 1000 万" in too_many.get_data(as_text=True)


def test_province_administrators_enter_an_unknown_years_holidays(client, tree, login_as, register, app):
    inspection_id = register(tree["haimen"], "inspection", targets=[tree["sanxing"].id], starts_on=D(2099, 1, 1), ends_on=D(2099, 1, 2))
    login_as(tree["haimen"])
    assert client.post("/t/haimen/reduction/calendar/2099", data={"first": "2099-01-01", "is_workday": "holiday"}).status_code == 403
    client.post("/t/haimen/logout")
    login_as(tree["jiangsu"])
    assert "录入 2099 年的节假日和调休上班日" in client.get("/t/jiangsu/reduction/inspections?year=2099").get_data(as_text=True)
    assert "无需录入" in client.get("/t/jiangsu/reduction/calendar/2026").get_data(as_text=True)
    wrong = client.post("/t/jiangsu/reduction/calendar/2099", data={"first": "2099-01-05", "is_workday": "workday"})
    assert wrong.status_code == 422 and "本来就是工作日" in wrong.get_data(as_text=True)
    assert client.post("/t/jiangsu/reduction/calendar/2099", data={"first": "2099-01-01", "last": "2099-01-02", "is_workday": "holiday", "name": "元旦"}).status_code == 302
    assert client.post("/t/jiangsu/reduction/calendar/2099", data={"first": "2099-01-03", "is_workday": "workday", "name": "元旦调休"}).status_code == 302
    assert client.post("/t/jiangsu/reduction/calendar/2099/confirm").status_code == 302
    page = client.get("/t/jiangsu/reduction/calendar/2099").get_data(as_text=True)
    assert "管理员录入的安排" in page and "元旦调休" in page and "jiangsu/admin" in page
    assert client.post("/t/jiangsu/reduction/calendar/2099/2099-01-02/remove").status_code == 302
    client.post("/t/jiangsu/logout")
    login_as(tree["haimen"])
    assert 'id="calendar-notice"' not in client.get("/t/haimen/reduction/inspections?year=2099").get_data(as_text=True)
    assert client.post("/t/haimen/reduction/recheck?year=2099").status_code == 302
    assert "2099-01-01 元旦" in client.get(f"/t/haimen/reduction/inspections/{inspection_id}").get_data(as_text=True)


def test_the_dashboard_shows_progress_against_each_target(client, tree, register, login_as):
    for n in range(10):
        register(tree["haimen"], title=f"去年{n}", issued_on=D(2025, 3, n + 1), department="办公室", body=f"去年第{n}号。" + INDEPENDENT_DRAFT)
    for n in range(8):
        register(tree["haimen"], title=f"今年{n}", issued_on=D(2026, 3, n + 1), department="办公室", body=f"今年第{n}号。" + INDEPENDENT_DRAFT)
    register(tree["haimen"], "meeting", duration_minutes=100)
    login_as(tree["haimen"])
    page = client.get("/t/haimen/reduction?year=2026").get_data(as_text=True)
    general = re.search(r"普发文件减少 30%以上</th>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', general) == ["10", "8", "7", "-20%"] and "超出 1 件" in general
    assert "上年无登记，无法比较" in page and "待处理的标记（1）" in page and "会议时长超过 90 分钟" in page


def test_the_roll_up_covers_the_subtree_and_nothing_else(client, tree, register, login_as, make_user):
    register(tree["sanxing"], title="三星的文", body=INDEPENDENT_DRAFT)
    register(tree["suzhou"], title="苏州的文", body=INDEPENDENT_DRAFT)
    register(tree["haimen"], "meeting", duration_minutes=120)
    login_as(tree["haimen"])
    page = client.get("/t/haimen/reduction/rollup?year=2026").get_data(as_text=True)
    names = re.findall(r'<tr id="federation-\d+"[^>]*>\s*<th scope="row"[^>]*>([^<]+?) <span', page)
    assert names == ["南通市海门区总工会", "海门区三星镇总工会", "海门区常乐镇总工会"]
    flagged = client.get("/t/haimen/reduction/rollup?year=2026&show=open", headers=HX).get_data(as_text=True)
    assert flagged.startswith('<div id="rollup">') and re.findall(r'<tr id="federation-(\d+)"', flagged) == [str(tree["haimen"].id)]
    client.post("/t/haimen/logout")
    make_user(tree["sanxing"], "admin2", role="admin")
    login_as(tree["sanxing"], "admin2")
    own = client.get("/t/sanxing/reduction/rollup").get_data(as_text=True)
    assert "本会没有下级工会" in own and "南通市海门区总工会" not in own
    upper = client.get("/t/haimen/reduction/rollup")   # a lower federation's login is nobody up there
    assert upper.status_code == 302 and "/t/haimen/login" in upper.headers["Location"]


REDUCTION_ROUTES = [
    ("get", "/reduction"), ("get", "/reduction/documents"), ("get", "/reduction/documents/{d}"),
    ("post", "/reduction/documents/{d}"), ("post", "/reduction/documents/{d}/delete"), ("get", "/reduction/meetings"),
    ("get", "/reduction/meetings/{m}"), ("post", "/reduction/meetings/{m}"), ("post", "/reduction/meetings/{m}/delete"),
    ("get", "/reduction/inspections"), ("get", "/reduction/inspections/{i}"), ("post", "/reduction/inspections/{i}"),
    ("post", "/reduction/inspections/{i}/delete"), ("post", "/reduction/flags/{f}/override"), ("get", "/reduction/rollup"),
    ("get", "/reduction/check"), ("post", "/reduction/check"), ("get", "/reduction/documents/new"),
    ("get", "/reduction/meetings/new"), ("get", "/reduction/inspections/new"), ("get", "/reduction/calendar/2099"),
    ("post", "/reduction/recheck"),
]


def test_no_reduction_route_reaches_another_federations_data(app, client, tree, register, login_as):
    a, b = tree["suzhou"], tree["haimen"]
    ids = {"d": register(b, title="海门的机密文件", body=INDEPENDENT_DRAFT),
           "m": register(b, "meeting", title="海门的会议", duration_minutes=200),
           "i": register(b, "inspection", title="海门的检查", targets=[tree["sanxing"].id])}
    with in_tenant(app, b) as session:
        ids["f"] = session.scalar(sa.select(ReductionFlag.id).limit(1))
    login_as(a)
    for method, route in REDUCTION_ROUTES:
        path = route.format(**ids)
        under_a = getattr(client, method)(f"/t/{a.slug}{path}", data={"reason": "跨租户的理由", "body": "x"})
        body = under_a.get_data(as_text=True)
        if "{" in route:
            assert under_a.status_code == 404, path   # a has no such document, meeting, inspection or flag
        else:
            assert under_a.status_code in (200, 302, 422), path
            assert under_a.headers.get("Location", f"/t/{a.slug}/").startswith(f"/t/{a.slug}/"), path
        assert "海门的" not in body, path
        under_b = getattr(client, method)(f"/t/{b.slug}{path}")
        assert under_b.status_code == 302 and f"/t/{b.slug}/login" in under_b.headers["Location"], path
    with in_tenant(app, b) as session:
        assert session.get(Document, ids["d"]) is not None
        assert session.get(ReductionFlag, ids["f"]).override_reason is None


def test_calendar_entry_routes_are_for_province_administrators_of_their_own_session_only(client, tree, login_as):
    login_as(tree["suzhou"])
    for path in ("/reduction/calendar/2099/2099-01-01/remove", "/reduction/calendar/2099/confirm"):
        assert client.post(f"/t/suzhou{path}").status_code == 403            # a city: national data is not its to change
        under_province = client.post(f"/t/jiangsu{path}")
        assert under_province.status_code == 302 and "/t/jiangsu/login" in under_province.headers["Location"]


def test_the_pages_speak_english_with_their_figures(client, tree, register, login_as):
    register(tree["jiangsu"])
    register(tree["haimen"], body=COPYING_DRAFT, doc_type="forwarding", has_measures=False)
    register(tree["haimen"], "meeting", duration_minutes=120, kind="work")
    login_as(tree["haimen"])
    client.get("/t/haimen/reduction?lang=en")
    dashboard = client.get("/t/haimen/reduction?year=2026").get_data(as_text=True)
    assert "Flags to resolve (3)" in dashboard and "Meeting longer than 90 minutes: 120 minutes" in dashboard
    document = client.get("/t/haimen/reduction/documents/1").get_data(as_text=True)
    assert re.search(r"Duplication \d+\.\d%", document) and "More than half: return for revision" in document
    assert "General documents at least 30% fewer" in dashboard
    assert "Total (this federation and all below)" in client.get("/t/haimen/reduction/rollup").get_data(as_text=True)


def test_the_province_register_says_not_compared_instead_of_zero(client, tree, register, login_as):
    register(tree["jiangsu"], title="省总的文件")
    login_as(tree["jiangsu"])
    body = client.get("/t/jiangsu/reduction/documents?year=2026", headers=HX).get_data(as_text=True)
    assert "省总的文件" in body and "未比对" in body and "0.0%" not in body


def test_the_rollup_counts_federations_meeting_the_30_percent_target_not_only_the_sum(client, tree, register, login_as):
    # 海门 10 → 2 (met); 三星 2 → 2 (missed): the sum 12 → 4 meets 30% while 三星 does not.
    for i in range(10):
        register(tree["haimen"], issued_on=D(2025, 3, 1), body=f"海门去年{i}：" + INDEPENDENT_DRAFT)
    for i in range(2):
        register(tree["haimen"], body=f"海门今年{i}：" + INDEPENDENT_DRAFT)
        register(tree["sanxing"], issued_on=D(2025, 3, 1), body=f"三星去年{i}：" + INDEPENDENT_DRAFT)
        register(tree["sanxing"], body=f"三星今年{i}：" + INDEPENDENT_DRAFT)
    login_as(tree["haimen"])
    body = client.get("/t/haimen/reduction/rollup?year=2026", headers=HX).get_data(as_text=True)
    general = re.search(r"<li>普发文件减少 30%：(.*?)</li>", body, re.S).group(1)
    assert "1 个工会达标，1 个未达标" in general and "未达标：海门区三星镇总工会" in general
    assert "南通市海门区总工会" not in general.split("未达标：")[1] and "1 个上年无数可比" in general
