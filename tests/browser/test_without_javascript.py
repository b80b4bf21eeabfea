"""The same journeys with JavaScript off, where the pages claim to work without it: plain links and
forms, post/redirect/get."""
from __future__ import annotations

import re

import pytest

from .support import expect, tiny_pdf


@pytest.fixture
def sign_in_without_js(sign_in):
    def login(slug, username="admin"):
        return sign_in(slug, username, java_script_enabled=False)

    return login


def test_javascript_is_really_off(sign_in_without_js):
    page = sign_in_without_js("haimen-sanxing")
    # Playwright's own evaluation still works, the page's scripts do not run: htmx never loaded.
    assert page.evaluate("typeof window.htmx") == "undefined"


def test_chief_edits_a_cell_on_its_full_page_form_and_returns_to_the_grid(sign_in_without_js):
    page = sign_in_without_js("haimen-sanxing", "chief3")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作站").click()
    page.get_by_role("row").filter(has=page.locator(".badge.on")).get_by_role("link", name="5+N 清单").click()
    grid_url = page.url
    year = page.get_by_label("年份").input_value()
    cell = page.locator("#checklist-grid td.cell:not(.status-done)").first
    cell_id = cell.get_attribute("id")
    cell.get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/checklist/\d+/\d{4}/[a-z_]+$"))  # the full-page form
    expect(page.locator("#item-form")).to_be_visible()
    form = page.locator("#item-form")
    form.get_by_label("状态").select_option("done")
    form.get_by_label("举办日期").fill(f"{year}-04-20")
    form.get_by_label("参加人数").fill("30")
    form.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(re.escape(grid_url.split("?")[0])))
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    expect(page.locator(f"#{cell_id}")).to_have_class(re.compile(r"\bstatus-done\b"))
    expect(page.locator(f"#{cell_id}")).to_contain_text("04-20")

    page.locator(f"#{cell_id}").get_by_role("link").click()  # now that the item exists, evidence can be added
    page.get_by_label("证明材料").set_input_files({"name": "签到表.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()})
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("link", name="签到表.pdf")).to_be_visible()


def test_administrator_creates_a_station_without_javascript(sign_in_without_js):
    page = sign_in_without_js("haimen-jianzhu")
    page.goto("/t/haimen-jianzhu/stations")
    page.get_by_label("工作站名称").fill("建筑行业无脚本工作站")
    page.get_by_label("模式").select_option(label="行业+")
    page.get_by_role("button", name="创建").click()
    expect(page).to_have_url(re.compile(r"/t/haimen-jianzhu/stations/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("建筑行业无脚本工作站")


def test_dashboard_panels_are_links_without_javascript(sign_in_without_js):
    page = sign_in_without_js("haimen")
    page.goto("/t/haimen/dashboard")
    panel = page.locator("#panel-checklist")
    expect(panel.locator("h2")).to_have_count(0)  # nothing loads by itself
    panel.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/panels/checklist"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("5+N 完成情况")
    expect(page.locator("table.grid")).to_contain_text("海门区三星镇总工会")
    page.get_by_role("link", name="海门区三星镇总工会").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("海门区三星镇总工会")
