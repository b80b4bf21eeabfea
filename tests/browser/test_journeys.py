"""What users do, in Chromium with JavaScript (htmx) on, against the demo served on localhost."""
from __future__ import annotations

import re
import time

from app.checklist.rules import TASKS
from app.stations.uscc import example_uscc

from .support import expect, log_in, tiny_pdf

GRID_CELL = "#checklist-grid td.cell"


def test_administrator_creates_a_station_and_an_enterprise(sign_in):
    page = sign_in("haimen-changle")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作站").click()
    expect(page.get_by_role("heading", name="非层级化工会工作站")).to_be_visible()

    page.get_by_label("工作站名称").fill("常乐镇浏览器测试工作站")
    page.get_by_label("模式").select_option(label="区域+")
    page.get_by_label("覆盖的行业或区域").fill("常乐镇第9片区")
    page.get_by_label("依托企业").fill("常乐镇测试有限公司")
    page.get_by_role("button", name="创建").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("常乐镇浏览器测试工作站")
    expect(page.get_by_role("status").filter(has_text="已创建工作站")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/t/haimen-changle/stations/\d+$"))

    page.get_by_role("link", name="添加企业").click()
    code = example_uscc(880_001)
    page.get_by_label("企业名称").fill("常乐镇浏览器测试有限公司")
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("所属行业").fill("家纺")
    page.get_by_label("职工人数").fill("35")
    page.get_by_role("button", name="添加", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="已添加企业")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="常乐镇浏览器测试有限公司")
    expect(row).to_contain_text(code)


def _open_my_grid(page):
    """From the chief's home page to the checklist grid of the station marked 我的."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作站").click()
    mine = page.get_by_role("row").filter(has=page.locator(".badge.on"))
    mine.get_by_role("link", name="5+N 清单").click()
    expect(page.locator("#checklist-grid")).to_be_visible()


def _open_cells(page, count):
    """(enterprise id, [task, …]) of the first row with `count` cells not done yet."""
    for row in page.locator("#checklist-grid tbody tr").all():
        cells = row.locator("td.cell:not(.status-done)")
        if cells.count() >= count:
            ids = [cells.nth(i).get_attribute("id") for i in range(count)]
            enterprise = ids[0].split("-")[1]
            return enterprise, [i.split("-", 2)[2] for i in ids]
    raise AssertionError("no row with enough open cells in the demo grid")


def _progress(page, task):
    """The figures beside a task's progress bar."""
    return page.locator("#checklist-progress .progress-row").filter(has_text=TASKS[task]).locator(".num")


def _fill_done(scope, day):
    scope.get_by_label("状态").select_option("done")
    scope.get_by_label("举办日期").fill(day)
    scope.get_by_label("参加人数").fill("42")


def test_chief_fills_cells_in_place_and_the_progress_moves_without_a_reload(sign_in):
    page = sign_in("haimen-sanxing", "chief1")
    expect(page.get_by_role("heading", name=re.compile(r"\d{4} 年待办"))).to_be_visible()
    expect(page.locator("#todo table tbody tr").first).to_be_visible()

    _open_my_grid(page)
    year = page.get_by_label("年份").input_value()
    page.evaluate("window.__stillTheSamePage = true")
    document_started = page.evaluate("performance.timeOrigin")  # a reload would start a new document
    enterprise, tasks = _open_cells(page, 2)
    done_before = page.locator(f"#enterprise-{enterprise}-done").inner_text()
    before = {task: _progress(page, task).inner_text() for task in tasks}  # e.g. 56%（10/18）

    for task in tasks:
        cell = page.locator(f"#cell-{enterprise}-{task}")
        cell.get_by_role("link").click()
        form = cell.locator("form")  # the form replaced the cell, in place
        expect(form).to_be_visible()
        expect(cell).to_have_class(re.compile(r"\bediting\b"))
        _fill_done(form, f"{year}-03-15")
        form.get_by_role("button", name="保存").click()
        expect(cell).to_have_class(re.compile(r"\bstatus-done\b"))
        expect(cell).to_contain_text("已完成")
        expect(cell.locator("form")).to_have_count(0)

    for task in tasks:
        expect(_progress(page, task)).not_to_have_text(before[task])
    done, total = (int(n) for n in done_before.split("/"))
    expect(page.locator(f"#enterprise-{enterprise}-done")).to_have_text(f"{done + 2}/{total}")
    assert page.evaluate("window.__stillTheSamePage") is True
    assert page.evaluate("performance.timeOrigin") == document_started


def test_chief_uploads_an_evidence_file_on_the_item_page(sign_in):
    page = sign_in("haimen-sanxing", "chief1")
    _open_my_grid(page)
    cell = page.locator(GRID_CELL).first
    cell.get_by_role("link").click()
    cell.get_by_role("link", name="详情与附件").click()
    expect(page.get_by_role("heading", name="证明材料")).to_be_visible()

    page.get_by_label("证明材料").set_input_files({"name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()})
    page.get_by_role("button", name="上传").click()

    expect(page.get_by_role("status").filter(has_text="已上传 会议纪要.pdf")).to_be_visible()
    evidence = page.get_by_role("link", name="会议纪要.pdf")
    expect(evidence).to_be_visible()
    with page.expect_download() as download:
        evidence.click()
    assert download.value.suggested_filename == "会议纪要.pdf"


def test_a_stale_form_gets_the_conflict_message(new_context):
    first, second = new_context().new_page(), new_context().new_page()
    for page in (first, second):
        log_in(page, "haimen-sanxing", "chief2")
        _open_my_grid(page)
    year = first.get_by_label("年份").input_value()
    cell_id = first.locator(GRID_CELL).nth(2).get_attribute("id")
    for page in (first, second):
        page.locator(f"#{cell_id}").get_by_role("link").click()
        expect(page.locator(f"#{cell_id} form")).to_be_visible()

    form = first.locator(f"#{cell_id} form")
    _fill_done(form, f"{year}-02-10")
    form.get_by_role("button", name="保存").click()
    expect(first.locator(f"#{cell_id}")).to_have_class(re.compile(r"\bstatus-done\b"))

    stale = second.locator(f"#{cell_id} form")
    stale.get_by_label("参加人数").fill("7")
    stale.get_by_role("button", name="保存").click()
    alert = second.locator(f"#{cell_id}").get_by_role("alert")
    expect(alert).to_contain_text(re.compile(r"已于 \d{2}:\d{2} 修改了此项"))
    expect(second.locator(f"#{cell_id} form").get_by_label("参加人数")).to_have_value("42")  # the current values


def test_county_dashboard_loads_its_panels_and_drills_down_to_a_towns_stations(sign_in):
    page = sign_in("haimen")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="总览").click()
    expect(page).to_have_url(re.compile(r"/t/haimen/dashboard"))
    for panel in ("checklist", "stations", "cases"):
        expect(page.locator(f"#panel-{panel} h2")).to_be_visible()  # loaded lazily, in place
        expect(page.locator(f"#panel-{panel} [data-chart] canvas").first).to_be_visible()  # ECharts drew
    expect(page.locator("#panel-checklist table")).to_contain_text("海门区三星镇总工会")

    page.locator("#panel-checklist").get_by_role("link", name="海门区三星镇总工会").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("海门区三星镇总工会")
    expect(page.locator("#panel-checklist h2")).to_be_visible()
    page.get_by_role("link", name="查看该工会的工作站").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("海门区三星镇总工会 的工作站")
    stations = page.locator("table.grid tbody tr a")
    assert stations.count() >= 3
    name = stations.first.inner_text()
    stations.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("只读")
    expect(page.locator("#checklist-progress progress").first).to_be_visible()


def test_a_user_of_one_federation_cannot_reach_anothers_pages(sign_in):
    page = sign_in("haimen-sanxing")
    for path in ("/t/haimen-changle/stations", "/t/haimen-changle/stations/1/checklist", "/t/haimen/dashboard",
                 "/t/haimen-changle/admin/users"):
        page.goto(path)
        slug = path.split("/")[2]
        expect(page).to_have_url(re.compile(rf"/t/{slug}/login\?next="))
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.goto("/t/haimen-sanxing/stations")  # still signed in at home
    expect(page.get_by_role("heading", name="非层级化工会工作站")).to_be_visible()


def test_a_county_cannot_drill_down_outside_its_subtree(sign_in):
    page = sign_in("haimen")
    response = page.goto("/t/haimen/dashboard/federations/1")  # the province: the demo registers it first
    assert response.status in (403, 404)
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()  # still signed in, just refused


def test_boosted_links_open_whole_pages(sign_in):
    """hx-boost swaps the whole body: a boosted link must get the page, never a fragment of it."""
    page = sign_in("haimen-sanxing", "chief1")
    page.locator("#todo tbody a").first.click()  # a to-do → its item page
    expect(page.locator("#item-form")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作站").click()
    page.get_by_role("row").filter(has=page.locator(".badge.on")).get_by_role("link", name="5+N 清单").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("5+N 清单")
    expect(page.get_by_role("search")).to_be_visible()
    expect(page).to_have_title(re.compile("5\\+N 清单"))


def test_dashboard_charts_draw_when_echarts_arrives_after_the_panels(sign_in):
    """After a boosted visit the browser runs the inserted scripts in whatever order they load;
    a slow ECharts must still end with every chart drawn."""
    page = sign_in("haimen")

    def slow_echarts(route):
        time.sleep(1.5)  # the panels load and settle meanwhile
        route.continue_()

    page.route("**/echarts-*.js", slow_echarts)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="总览").click()
    for panel in ("checklist", "stations", "cases"):
        expect(page.locator(f"#panel-{panel} [data-chart] canvas").first).to_be_visible(timeout=10_000)


def test_every_dashboard_link_answers_including_the_own_federation_row(sign_in):
    """Each link of an upper federation's dashboard is followed once; the "（本级）" row's link to its own
    stations once answered 500."""
    page = sign_in("haimen")
    page.goto("/t/haimen/dashboard")
    panels = page.locator("[id^=panel-]")
    for i in range(panels.count()):
        expect(panels.nth(i).locator("h2")).to_be_visible()  # every panel loaded in place
    links = page.locator("[id^=panel-] a")
    hrefs = {links.nth(i).get_attribute("href"): links.nth(i).inner_text() for i in range(links.count())}
    assert any("（本级）" in text for text in hrefs.values()), hrefs
    for href, text in hrefs.items():
        if ".xlsx" in href:  # a download, fetched with the page's session
            response = page.request.get(href)
            assert response.status == 200 and response.headers["cache-control"] == "no-store", (href, text)
            continue
        response = page.goto(href)
        assert response.status == 200, (href, text)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
