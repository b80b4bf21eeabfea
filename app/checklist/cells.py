"""One cell of the chief's grid, rendered in Python.

The grid has five cells per enterprise; as a Jinja include or macro they were most of the page's
time (bench/grid.py), so the cell is built here with explicit escaping. Links are built from the
page's base path (url_for('home.index'), i.e. /t/<slug>/) and labels translated once per page.
"""
from __future__ import annotations

from markupsafe import Markup, escape


def cell_html(enterprise_id: int, task: str, item, can_edit: bool, base: str, year: int, labels: dict, saved: bool = False) -> Markup:
    # Ids, task codes, dates and the base path are ours and safe; labels and warnings are escaped.
    cell_id = f"cell-{enterprise_id}-{task}"
    if item is None:
        status, body = "not_started", str(escape(labels["not_started"]))
    else:
        status, body = item.status, str(escape(labels[item.status]))
        if item.held_on:
            body += f"<br><small>{item.held_on:%m-%d}</small>"
        elif item.planned_on:
            body += f"<br><small>{escape(labels['planned_short'])} {item.planned_on:%m-%d}</small>"
        if item.attendance_warning:
            body += f' <span class="warn-mark" title="{escape(item.attendance_warning)}">⚠</span>'
    if can_edit:
        url = f"{base}checklist/{enterprise_id}/{year}/{task}"
        body = f'<a href="{url}" hx-get="{url}" hx-target="#{cell_id}" hx-swap="outerHTML" hx-push-url="false">{body}</a>'
    saved_class = " saved" if saved else ""
    return Markup(f'<td id="{cell_id}" class="cell status-{status}{saved_class}">{body}</td>')
