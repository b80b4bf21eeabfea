import datetime as dt

from app.checklist.cells import cell_html
from app.checklist.services import Cell

LABELS = {"not_started": "未开始", "planned": "已计划", "done": "已完成", "planned_short": "计划"}


def test_a_done_cell_links_to_its_editor_and_shows_the_date():
    html = cell_html(7, "member_congress", Cell("done", None, dt.date(2026, 3, 8), None), True, "/t/sanxing/", 2026, LABELS)
    assert html == ('<td id="cell-7-member_congress" class="cell status-done"><a href="/t/sanxing/checklist/7/2026/member_congress" '
                    'hx-get="/t/sanxing/checklist/7/2026/member_congress" hx-target="#cell-7-member_congress" hx-swap="outerHTML" '
                    'hx-push-url="false">已完成<br><small>03-08</small></a></td>')


def test_a_read_only_cell_has_no_link_and_an_empty_one_says_not_started():
    assert cell_html(7, "wage_negotiation", None, False, "/t/x/", 2026, LABELS) == \
        '<td id="cell-7-wage_negotiation" class="cell status-not_started">未开始</td>'


def test_labels_and_warnings_are_escaped():
    labels = {**LABELS, "planned": "<b>计划</b>"}
    html = cell_html(1, "workers_congress", Cell("planned", dt.date(2026, 9, 1), None, 'x" onmouseover="y'), False, "/t/x/", 2026, labels)
    assert "&lt;b&gt;计划&lt;/b&gt;" in html and 'title="x&#34; onmouseover=&#34;y"' in html and "<b>" not in html
