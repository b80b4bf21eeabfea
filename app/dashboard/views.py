from __future__ import annotations

import io
import json
from decimal import Decimal

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required

from app import clock
from app.checklist import rules as checklist_rules
from app.checklist import services as checklist
from app.delegation import rules as delegation_rules
from app.delegation import services as delegation
from app.excel import Sheet, write_workbook
from app.stations import rules as station_rules
from app.stations import services as stations
from app.summaries import counts
from app.web import attachment_name, render_page_or_fragment
from tenants import current_tenant, registry
from tenants.web import reading, registry_connection

from . import bp, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PANELS = ("checklist", "stations", "cases", "reduction")


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else clock.today().year


def _root(conn, tenant_id: int | None):
    """The federation a page is about: the user's own, or one below it (read-only); else 404."""
    if current_tenant.kind not in services.DASHBOARD_KINDS:
        abort(404)
    if tenant_id is None or tenant_id == current_tenant.id:
        # the tenant itself, not the proxy: binding a schema to the proxy would resolve it through itself
        return current_tenant._get_current_object()
    root = registry.get_by_id(conn, tenant_id)
    if root is None or not root.is_active or not registry.is_within(root, current_tenant):
        abort(404)
    return root


@bp.route("/dashboard")
@bp.route("/dashboard/federations/<int:tenant_id>")
@login_required
def index(tenant_id=None):
    year = _year()
    with registry_connection() as conn:
        root = _root(conn, tenant_id)
        path = services.ancestry(conn, current_tenant, root)
        has_children = bool(registry.children(conn, root))
    today = clock.today()
    return render_template("dashboard/page.html", root=root, path=path, year=year, panels=PANELS,
                           years=range(today.year - 3, today.year + 1), has_children=has_children)


def _reduction_data(root, year: int) -> dict:
    """The reduction figures (their counts area) of this year and last, per child subtree, against the targets."""
    from app.reduction import rules as reduction_rules
    from app.reduction.summary import SUMMARY_FIGURES, RollupRow

    def row(this: dict, last: dict) -> RollupRow:
        return RollupRow(0, "", "", 0, {n: int(this.get(n, 0)) for n in SUMMARY_FIGURES}, {n: int(last.get(n, 0)) for n in SUMMARY_FIGURES})

    with registry_connection() as conn:
        this_year = counts.totals_by_child(conn, root, year, "reduction")
        last_year = counts.totals_by_child(conn, root, year - 1, "reduction")
        children = registry.children(conn, root)
    groups = [(root, f"{root.name}（本级）")] if this_year.get(root.id) or last_year.get(root.id) else []
    groups += [(child, child.name) for child in children]
    lines = [services.Region(tenant, label, _reduction_values(row(this_year.get(tenant.id, {}), last_year.get(tenant.id, {})), reduction_rules))
             for tenant, label in groups]
    total = row(*({n: sum(line.get(n, 0) for line in by.values()) for n in SUMMARY_FIGURES} for by in (this_year, last_year)))
    return {"lines": lines, "total": services.Region(None, "合计", _reduction_values(total, reduction_rules))}


def _reduction_values(row, reduction_rules) -> dict:
    general = row.target("general_documents", reduction_rules.GENERAL_DOCUMENT_CUT_PCT)
    items = row.target("inspection_items", reduction_rules.INSPECTION_ITEM_CUT_PCT)
    return {"general": general, "items": items, "meetings": row.target("meetings", 0),
            "open_flags": Decimal(row.this_year["open_flags"])}


def _panel_data(panel: str, root, year: int) -> dict:
    if panel == "reduction":
        return _reduction_data(root, year)
    with registry_connection() as conn:
        if panel == "cases":
            lines, total = services.regions(conn, root, year, "delegation")
            overdue = delegation.overdue_by_child(conn, root, year, clock.today())
            for line in lines:
                line.values = {**line.values, "overdue": Decimal(overdue.get(line.tenant.id, 0))}
            total.values = {**total.values, "overdue": Decimal(sum(overdue.values()))}
            return {"lines": lines, "total": total}
        lines, total = services.regions(conn, root, year, "checklist")
        if panel == "checklist":
            return {"lines": lines, "total": total}
        grading_lines, grading_total = services.regions(conn, root, year, "grading")
    # stations by mode come with the checklist counts, tiers and stipends with grading's
    grading_by = {(line.tenant.id if line.tenant else None, line.label): line.values for line in grading_lines}
    for line in lines:
        line.values = {**line.values, **grading_by.get((line.tenant.id if line.tenant else None, line.label), {})}
    total.values = {**total.values, **grading_total.values}
    tiers = sorted({k.split(":", 1)[1] for k in total.values if k.startswith("tier:")})
    return {"lines": lines, "total": total, "tiers": tiers}


CASE_FIGURES = ("办理中", "已办结", "逾期", "追回金额（元）", "帮助职工", "覆盖职工")


def case_figures(line) -> list:
    """The cases panel's figures of one line, in column order: the one source of the table and its export
    (the export once listed the five statuses one by one under the table's two labels, and said 0 / 0)."""
    values = line.values
    open_ = sum(values.get(f"status:{s}", 0) for s in delegation_rules.STATUSES if s in delegation_rules.OPEN)
    finished = sum(values.get(f"status:{s}", 0) for s in delegation_rules.STATUSES if s not in delegation_rules.OPEN)
    return ([int(values.get(f"kind:{k}", 0)) for k in delegation_rules.KINDS]
            + [int(open_), int(finished), int(values.get("overdue", 0)), values.get("amount_recovered", 0),
               int(values.get("workers_helped", 0)), int(values.get("workers_covered", 0))])


def _chart(panel: str, data: dict) -> str:
    lines = data["lines"]
    if panel == "reduction":
        series = [{"name": _("普发文件"), "data": [line.values["general"].this_year for line in lines]},
                  {"name": _("上年普发文件"), "data": [line.values["general"].last_year for line in lines]}]
        return json.dumps({"type": "bar", "categories": [line.label for line in lines], "series": series}, ensure_ascii=False)
    if panel == "cases":
        total = data["total"].values
        return json.dumps({"type": "pie", "series": [{"name": _(label), "value": float(total.get(f"kind:{kind}", 0))}
                                                     for kind, label in delegation_rules.KINDS.items()]}, ensure_ascii=False)
    if panel == "checklist":
        series = [{"name": _(label), "data": [line.pct(f"done:{task}") for line in lines]} for task, label in checklist_rules.TASKS.items()]
        return json.dumps({"type": "bar", "unit": "%", "categories": [line.label for line in lines], "series": series}, ensure_ascii=False)
    total = data["total"].values
    return json.dumps({"type": "pie", "series": [{"name": _(label), "value": float(total.get(f"stations:{mode}", 0))}
                                                 for mode, label in station_rules.MODES.items()]}, ensure_ascii=False)


@bp.route("/dashboard/federations/<int:tenant_id>/panels/<panel>")
@login_required
def panel(tenant_id, panel):
    if panel not in PANELS:
        abort(404)
    year = _year()
    with registry_connection() as conn:
        root = _root(conn, tenant_id)
    data = _panel_data(panel, root, year)
    context = {"root": root, "year": year, "panel": panel, "tasks": checklist_rules.TASKS, "modes": station_rules.MODES,
               "case_kinds": delegation_rules.KINDS, "case_statuses": delegation_rules.STATUSES, "case_figures": case_figures,
               "chart": _chart(panel, data), **data}
    return render_page_or_fragment("dashboard/panel_page.html", f"dashboard/_panel_{panel}.html", **context)


@bp.route("/dashboard/federations/<int:tenant_id>/panels/<panel>.xlsx")
@login_required
def export(tenant_id, panel):
    if panel not in PANELS:
        abort(404)
    year = _year()
    with registry_connection() as conn:
        root = _root(conn, tenant_id)
    data = _panel_data(panel, root, year)
    rows_in = data["lines"] + [data["total"]]
    if panel == "reduction":
        headers = ["地区/工会", "上年普发文件", "本年普发文件", "增减(%)", "上年会议", "本年会议", "上年检查事项", "本年检查事项", "待处理标记"]
        rows = [[line.label, line.values["general"].last_year, line.values["general"].this_year, line.values["general"].change_pct,
                 line.values["meetings"].last_year, line.values["meetings"].this_year, line.values["items"].last_year,
                 line.values["items"].this_year, int(line.values["open_flags"])] for line in rows_in]
    elif panel == "cases":
        headers = ["地区/工会"] + list(delegation_rules.KINDS.values()) + list(CASE_FIGURES)
        rows = [[line.label] + case_figures(line) for line in rows_in]
    elif panel == "checklist":
        headers = ["地区/工会", "覆盖企业"] + [f"{label}完成率(%)" for label in checklist_rules.TASKS.values()] + ["总体完成率(%)", "N 项活动"]
        rows = [[line.label, int(line.values.get("enterprises", 0))] + [line.pct(f"done:{t}") for t in checklist_rules.TASKS]
                + [line.overall_pct, int(line.values.get("n_activities", 0))] for line in rows_in]
    else:
        tiers = data["tiers"]
        headers = ["地区/工会"] + [f"{label}工作站" for label in station_rules.MODES.values()] + [f"{t}（个）" for t in tiers] + ["兼职补贴（元）"]
        rows = [[line.label] + [int(line.values.get(f"stations:{m}", 0)) for m in station_rules.MODES]
                + [int(line.values.get(f"tier:{t}", 0)) for t in tiers] + [line.values.get("stipends", 0)] for line in rows_in]
    data_bytes = write_workbook([Sheet(f"{year}", headers, rows)])
    return send_file(io.BytesIO(data_bytes), mimetype=XLSX, as_attachment=True, download_name=attachment_name(f"{root.name}-{year}-{panel}.xlsx"))


def _leaf(tenant_id: int):
    with registry_connection() as conn:
        return _root(conn, tenant_id)


@bp.route("/dashboard/federations/<int:tenant_id>/stations")
@login_required
def federation_stations(tenant_id):
    """A federation's stations and their completion, read from its own schema (read-only)."""
    root, year = _leaf(tenant_id), _year()
    with reading(root):
        rows = [(s, checklist.grid(s.id, year)) for s in stations.all_stations()]
    return render_template("dashboard/stations.html", root=root, year=year, rows=rows)


@bp.route("/dashboard/federations/<int:tenant_id>/stations/<int:station_id>")
@login_required
def federation_station(tenant_id, station_id):
    root, year = _leaf(tenant_id), _year()
    with reading(root) as session:
        from app.stations.models import WorkStation

        station = session.get(WorkStation, station_id)
        if station is None:
            abort(404)
        grid = checklist.grid(station.id, year)
    labels = {status: _(label) for status, label in checklist_rules.STATUSES.items()}
    labels.update(planned_short=_("计划"))
    return render_template("dashboard/station.html", root=root, year=year, station=station, grid=grid,
                           tasks=checklist_rules.TASKS, labels=labels)
