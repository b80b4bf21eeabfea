"""Beyond axe-core: errors announced on their fields, labels that stay with their fields when two
grid cells are open, and the checklist grid used from the keyboard alone."""
from __future__ import annotations

import re

from .support import expect

LABEL_OUTSIDE_ITS_FORM = """form => [...form.querySelectorAll('label')]
    .filter(label => !label.control || !form.contains(label.control)).map(label => label.outerHTML)"""


def _active(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || '', cell: e.closest('td.cell')?.id || null}; }""")


def test_wrong_password_is_announced(new_context):
    page = new_context().new_page()
    page.goto("/t/haimen-sanxing/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_be_visible()


def test_an_invalid_field_is_marked_and_described(sign_in):
    page = sign_in("haimen-sanxing")
    page.goto("/t/haimen-sanxing/stations")
    page.locator("#station-2 td a").first.click()
    page.get_by_role("link", name="添加企业").click()
    page.get_by_label("企业名称").fill("校验码错误的企业")
    page.get_by_label("统一社会信用代码").fill("91320614MA1X2Y3Z4A")
    page.get_by_label("职工人数").fill("10")
    page.get_by_role("button", name="添加", exact=True).click()

    code = page.get_by_label("统一社会信用代码")
    expect(code).to_have_attribute("aria-invalid", "true")
    described_by = code.get_attribute("aria-describedby")
    assert described_by, "the invalid field names its error"
    expect(page.locator(f"#{described_by}")).to_contain_text("统一社会信用代码")
    expect(code).to_have_accessible_description(re.compile("统一社会信用代码"))
    expect(page.get_by_label("企业名称")).not_to_have_attribute("aria-invalid", "true")


def test_an_invalid_cell_form_is_marked_in_place(sign_in):
    page = sign_in("haimen-sanxing", "chief3")
    page.goto("/t/haimen-sanxing/stations/3/checklist")
    cell = page.locator("#checklist-grid td.cell:not(.status-done)").first
    cell_id = cell.get_attribute("id")
    cell.get_by_role("link").click()
    form = page.locator(f"#{cell_id} form")
    form.get_by_label("状态").select_option("done")
    form.get_by_label("举办日期").fill("")
    form.get_by_role("button", name="保存").click()

    held_on = page.locator(f"#{cell_id} form").get_by_label("举办日期")
    expect(held_on).to_have_attribute("aria-invalid", "true")
    expect(held_on).to_have_accessible_description(re.compile("举办日期"))


def test_two_open_cells_keep_their_labels_apart(sign_in):
    page = sign_in("haimen-sanxing", "chief3")
    page.goto("/t/haimen-sanxing/stations/3/checklist")
    cells = page.locator("#checklist-grid tbody tr").nth(1).locator("td.cell")
    for i in (0, 1):
        cells.nth(i).get_by_role("link").click()
        expect(cells.nth(i).locator("form")).to_be_visible()
    forms = page.locator("#checklist-grid form")
    expect(forms).to_have_count(2)
    for i in (0, 1):
        assert forms.nth(i).evaluate(LABEL_OUTSIDE_ITS_FORM) == []
    duplicates = page.evaluate("""() => { const seen = {};
        document.querySelectorAll('[id]').forEach(e => seen[e.id] = (seen[e.id] || 0) + 1);
        return Object.keys(seen).filter(id => seen[id] > 1); }""")
    assert duplicates == []


def test_checklist_grid_works_from_the_keyboard(sign_in):
    """Tab to a cell, Enter opens its form in place (focus inside it), type, Enter saves, the cell updates."""
    page = sign_in("haimen-sanxing", "chief1")
    page.goto("/t/haimen-sanxing/stations/1/checklist")
    done_first = page.locator("#checklist-grid tbody tr").filter(has=page.locator("td.cell.status-done:nth-child(2)"))
    row = page.locator(f"#{done_first.first.get_attribute('id')}")  # pinned: the filter stops matching while editing
    cell_id = row.locator("td.cell").first.get_attribute("id")
    cell = page.locator(f"#{cell_id}")

    row.locator("th a").focus()  # the enterprise's name, just before its first cell
    page.keyboard.press("Tab")
    assert _active(page) == {"tag": "a", "id": "", "name": "", "cell": cell_id}
    page.keyboard.press("Enter")
    expect(cell.locator("form")).to_be_visible()
    expect(cell.locator("select[name=status]")).to_be_focused()  # the form took the focus

    for _ in range(12):
        if _active(page)["name"] == "participants":
            break
        page.keyboard.press("Tab")
    assert _active(page)["name"] == "participants" and _active(page)["cell"] == cell_id
    page.keyboard.press("Control+A")
    page.keyboard.type("77")
    page.keyboard.press("Enter")  # implicit submission

    expect(cell.locator("form")).to_have_count(0)
    expect(cell).to_have_class(re.compile(r"\bsaved\b"))
    expect(cell).to_have_class(re.compile(r"\bstatus-done\b"))
    cell.get_by_role("link").press("Enter")  # opens again, now with the typed value
    expect(cell.locator("input[name=participants]")).to_have_value("77")
