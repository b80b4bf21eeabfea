from __future__ import annotations

import io

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock, files
from app.excel import Sheet, write_workbook
from app.extensions import db
from app.stations.access import can_edit_station, my_station_ids, require, station_or_404
from app.stations.models import Enterprise
from app.web import attachment_name, is_fragment_request, render_page_or_fragment

from . import bp, rules, services
from .forms import EvidenceForm, ItemForm
from .models import ChecklistItem, EvidenceFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(value: int | None = None) -> int:
    year = value or request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else clock.today().year


def _can_edit_enterprise_year(enterprise_id: int, year: int) -> bool:
    station_id = services.station_for_year(enterprise_id, year)
    return current_user.is_admin if station_id is None else can_edit_station(station_id)


def _cell_context() -> dict:
    """What every grid cell needs, computed once per page (see cells.py)."""
    labels = {status: _(label) for status, label in rules.STATUSES.items()}
    labels.update(planned_short=_("计划"))
    return {"base": url_for("home.index"), "labels": labels}


def _grid_context(station, year, search="", show="all"):
    today = clock.today()
    show = show if show in services.ROW_FILTERS else "all"
    return {
        **_cell_context(),
        "station": station, "year": year, "search": search, "show": show, "filters": services.ROW_FILTERS,
        "grid": services.grid(station.id, year, search, show=show),
        "tasks": rules.TASKS, "years": range(today.year - 3, today.year + 2), "can_edit": can_edit_station(station.id),
    }


@bp.route("/stations/<int:station_id>/checklist")
@login_required
def grid(station_id):
    station = station_or_404(station_id)
    context = _grid_context(station, _year(), request.args.get("q", ""), request.args.get("show", "all"))
    return render_page_or_fragment("checklist/grid.html", "checklist/_grid.html", **context)


@bp.route("/stations/<int:station_id>/checklist.xlsx")
@login_required
def export(station_id):
    station = station_or_404(station_id)
    year = _year()
    result = services.grid(station.id, year)
    headers = ["企业名称", "统一社会信用代码"] + [f"{label}" for label in rules.TASKS.values()] + ["N 项活动数", "完成项数"]
    rows = [
        [row.enterprise.name, row.enterprise.uscc]
        + [(row.items[t].status_label + (f"（{row.items[t].held_on}）" if row.items[t].held_on else "")) if row.items[t] else "未开始" for t in rules.TASKS]
        + [row.n_count, row.done]
        for row in result.rows
    ]
    rows.append(["合计", ""] + [f"{c.done}/{c.total}（{c.percent}%）" for c in result.per_task.values()] + [result.n_total, result.overall.done])
    data = write_workbook([Sheet(f"{year}年5+N", headers, rows)])
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=attachment_name(f"{station.name}-{year}年5+N清单.xlsx"))


def _enterprise_and_task(enterprise_id: int, year: int, task: str) -> Enterprise:
    if task not in rules.TASKS or not 2000 <= year <= 2100:
        abort(404)
    return db.get_or_404(Enterprise, enterprise_id)


def _cell_response(enterprise, year, task, item, *, saved=False):
    """The cell alone (htmx); after a save also its row total and the progress bars, out of band."""
    context = {"enterprise": enterprise, "year": year, "task": task, "item": item, "saved": saved,
               "can_edit": _can_edit_enterprise_year(enterprise.id, year), "tasks": rules.TASKS, **_cell_context()}
    if saved:
        station_id = services.station_for_year(enterprise.id, year)
        context["row"] = services.grid_row(enterprise, year)
        context["grid"] = services.grid(station_id, year) if station_id else None
    response = make_response(render_template("checklist/_cell.html", **context))
    response.vary.add("HX-Request")
    return response


@bp.route("/checklist/<int:enterprise_id>/<int:year>/<task>/cell")
@login_required
def cell(enterprise_id, year, task):
    enterprise = _enterprise_and_task(enterprise_id, year, task)
    return _cell_response(enterprise, year, task, services.task_item(enterprise.id, year, task))


@bp.route("/checklist/<int:enterprise_id>/<int:year>/<task>", methods=["GET", "POST"])
@login_required
def edit_task(enterprise_id, year, task):
    enterprise = _enterprise_and_task(enterprise_id, year, task)
    editable = _can_edit_enterprise_year(enterprise.id, year)
    item = services.task_item(enterprise.id, year, task)
    form = ItemForm()
    stale_message, status = None, 200
    if request.method == "POST":
        require(editable)
        if form.validate_on_submit():
            try:
                item = services.save_task(enterprise, year, task, form.values(task),
                                          expected_version=form.loaded_version(), actor=current_user.username)
            except services.ChecklistError as exc:
                _attach_problems(form, exc.problems)
                status = 422
            except services.StaleItem as exc:
                item, status = exc.item, 409
                stale_message = _stale_message(item)
                form = ItemForm(formdata=None)
                form.load(item)
            else:
                db.session.commit()
                if is_fragment_request():
                    return _cell_response(enterprise, year, task, item, saved=True)
                flash(_("已保存：%(name)s %(task)s", name=enterprise.name, task=_(rules.TASKS[task])), "success")
                station_id = services.station_for_year(enterprise.id, year)
                target = url_for("checklist.grid", station_id=station_id, year=year) if station_id else url_for("checklist.enterprise_year", enterprise_id=enterprise.id, year=year)
                return redirect(target)
        else:
            status = 422
    else:
        form.load(item)
    context = {"enterprise": enterprise, "year": year, "task": task, "item": item, "form": form, "editable": editable,
               "stale_message": stale_message, "fields": rules.OUTCOME_FIELDS.get(task, ()),
               "evidence": services.evidence_of([item.id]).get(item.id, []) if item else [],
               "history": services.history(item) if item else [], "evidence_form": EvidenceForm()}
    return render_page_or_fragment("checklist/item_page.html", "checklist/_cell_form.html", status=status, **context)


def _attach_problems(form: ItemForm, problems: dict[str, str]) -> None:
    for field, message in problems.items():
        target = form[field] if field in form else form.status
        target.errors = list(target.errors) + [message]


def _stale_message(item) -> str:
    if item is None:
        return "此项已被他人删除，请刷新后重试"
    when = clock.format_local(item.updated_at, "%H:%M")
    return f"您打开表单后，{item.updated_by} 已于 {when} 修改了此项。下面是当前内容，请在此基础上重新修改后保存。"


@bp.route("/enterprises/<int:enterprise_id>/checklist/<int:year>", methods=["GET", "POST"])
@login_required
def enterprise_year(enterprise_id, year):
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    year = _year(year)
    editable = _can_edit_enterprise_year(enterprise.id, year)
    form, status = ItemForm(), 200
    if request.method == "POST":  # a new N activity
        require(editable)
        if form.validate_on_submit():
            try:
                services.add_activity(enterprise, year, form.values(rules.N_ACTIVITY), actor=current_user.username)
            except services.ChecklistError as exc:
                _attach_problems(form, exc.problems)
                status = 422
            else:
                db.session.commit()
                flash(_("已添加活动"), "success")
                return redirect(url_for("checklist.enterprise_year", enterprise_id=enterprise.id, year=year))
        else:
            status = 422
    else:
        form = ItemForm(formdata=None, status="done")
        form.load(None)
    row = services.grid_row(enterprise, year)
    activities = services.activities(enterprise.id, year)
    item_ids = [i.id for i in row.items.values() if i] + [a.id for a in activities]
    return render_template(
        "checklist/enterprise_year.html", enterprise=enterprise, year=year, row=row, activities=activities, form=form,
        evidence=services.evidence_of(item_ids), editable=editable, tasks=rules.TASKS,
        station_id=services.station_for_year(enterprise.id, year),
    ), status


@bp.route("/checklist/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item(item_id):
    item = db.get_or_404(ChecklistItem, item_id)
    if item.task != rules.N_ACTIVITY:
        return redirect(url_for("checklist.edit_task", enterprise_id=item.enterprise_id, year=item.year, task=item.task))
    enterprise = db.session.get(Enterprise, item.enterprise_id)
    editable = _can_edit_enterprise_year(enterprise.id, item.year)
    form, stale_message, status = ItemForm(), None, 200
    if request.method == "POST":
        require(editable)
        if form.validate_on_submit():
            try:
                services.update_item(item, form.values(item.task), expected_version=form.loaded_version(), actor=current_user.username)
            except services.ChecklistError as exc:
                _attach_problems(form, exc.problems)
                status = 422
            except services.StaleItem:
                db.session.refresh(item)
                stale_message, status = _stale_message(item), 409
                form = ItemForm(formdata=None)
                form.load(item)
            else:
                db.session.commit()
                flash(_("已保存"), "success")
                return redirect(url_for("checklist.enterprise_year", enterprise_id=enterprise.id, year=item.year))
        else:
            status = 422
    else:
        form.load(item)
    return render_template(
        "checklist/item_page.html", enterprise=enterprise, year=item.year, task=item.task, item=item, form=form,
        editable=editable, stale_message=stale_message, fields=rules.OUTCOME_FIELDS[rules.N_ACTIVITY],
        evidence=services.evidence_of([item.id]).get(item.id, []), history=services.history(item), evidence_form=EvidenceForm(),
    ), status


@bp.route("/checklist/items/<int:item_id>/evidence", methods=["POST"])
@login_required
def upload_evidence(item_id):
    item = db.get_or_404(ChecklistItem, item_id)
    require(_can_edit_enterprise_year(item.enterprise_id, item.year))
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            stored, name, kind = files.accept_upload(form.file.data)
        except files.UploadRefused as exc:
            flash(str(exc), "error")
        else:
            try:
                services.attach_evidence(item, stored, name, kind, current_user.username)
            except services.ChecklistError as exc:
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("已上传 %(name)s", name=name), "success")
    return redirect(url_for("checklist.edit_task", enterprise_id=item.enterprise_id, year=item.year, task=item.task)
                    if item.task != rules.N_ACTIVITY else url_for("checklist.item", item_id=item.id))


@bp.route("/checklist/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id):
    evidence = db.get_or_404(EvidenceFile, evidence_id)
    return files.send_stored(evidence.sha256, evidence.filename, evidence.content_type)


@bp.route("/todo")
@login_required
def todo():
    year = _year()
    station_ids = my_station_ids()
    return render_template("checklist/todo.html", todos=services.todo(station_ids, year), year=year,
                           has_stations=bool(station_ids), today=clock.today())
