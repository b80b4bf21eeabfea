from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import clock, files
from app.auth.access import admin_required
from app.auth.services import find_user
from app.extensions import db
from app.web import attachment_name, form_errors_text, redirect_after_post, render_page_or_fragment

from . import bp, rules, services
from .access import can_edit_station, my_station_ids, require, station_or_404
from .enterprise_import import enterprise_template, export_enterprises, parse_enterprises
from .forms import (
    BudgetForm, EndRoleForm, EnterpriseForm, ExpenseForm, ImportForm, MoveForm, PersonForm, SettingsForm, StationForm,
)
from .models import Enterprise, StationExpense, StationRole
from .uscc import normalise_uscc, uscc_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else clock.today().year


def _station_values(form: StationForm) -> dict:
    return {
        "name": form.name.data.strip(), "mode": form.mode.data, "coverage": (form.coverage.data or "").strip(),
        "host_enterprise": (form.host_enterprise.data or "").strip(), "status": form.status.data,
    }


@bp.route("/stations", methods=["GET", "POST"])
@login_required
def index():
    form = StationForm()
    if request.method == "POST":
        require(current_user.is_admin)
        if form.validate_on_submit():
            try:
                station = services.create_station(_station_values(form), current_user.username)
            except services.StationError as exc:
                form.name.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("已创建工作站 %(name)s", name=station.name), "success")
                return redirect_after_post(url_for("stations.show", station_id=station.id))
        return render_template("stations/index.html", stations=services.all_stations(), form=form, mine=my_station_ids()), 422
    return render_template("stations/index.html", stations=services.all_stations(), form=form, mine=my_station_ids())


@bp.route("/stations/<int:station_id>", methods=["GET", "POST"])
@login_required
def show(station_id):
    station = station_or_404(station_id)
    form = StationForm(obj=station)
    status = 200
    if request.method == "POST":
        require(current_user.is_admin)
        if form.validate_on_submit():
            try:
                services.update_station(station, _station_values(form), current_user.username)
            except services.StationError as exc:
                form.name.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("已保存"), "success")
                return redirect_after_post(url_for("stations.show", station_id=station.id))
        status = 422
    year = _year()
    context = {
        "station": station, "form": form, "person_form": PersonForm(started_on=clock.today()),
        "end_form": EndRoleForm(ended_on=clock.today()), "roles": services.current_roles(station.id),
        "history": services.role_history(station.id), "enterprises": services.covered_enterprises(station.id, year),
        "year": year, "can_edit": can_edit_station(station.id),
    }
    return render_template("stations/show.html", **context), status


@bp.route("/stations/<int:station_id>/people", methods=["POST"])
@admin_required
def add_person(station_id):
    station = station_or_404(station_id)
    form = PersonForm()
    if form.validate_on_submit():
        user_id = None
        if form.username.data:
            user = find_user(form.username.data)
            if user is None:
                flash(_("没有登录账号 %(name)s，请先在用户管理中创建", name=form.username.data), "error")
                return redirect(url_for("stations.show", station_id=station.id))
            user_id = user.id
        values = {"name": form.name.data.strip(), "phone": (form.phone.data or "").strip(), "source": form.source.data, "user_id": user_id}
        try:
            services.add_person(station, values, form.role.data, form.started_on.data, current_user.username)
        except services.StationError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("已添加 %(name)s", name=values["name"]), "success")
    else:
        flash(form_errors_text(form), "error")
    return redirect(url_for("stations.show", station_id=station.id))


@bp.route("/stations/<int:station_id>/roles/<int:role_id>/end", methods=["POST"])
@admin_required
def end_role(station_id, role_id):
    assignment = db.get_or_404(StationRole, role_id)
    if assignment.station_id != station_id or assignment.ended_on is not None:
        abort(404)
    form = EndRoleForm()
    if form.validate_on_submit():
        try:
            services.end_role(assignment, form.ended_on.data, current_user.username)
        except services.StationError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
    return redirect(url_for("stations.show", station_id=station_id))


def _enterprise_values(form: EnterpriseForm) -> dict:
    return {
        "name": form.name.data.strip(), "uscc": normalise_uscc(form.uscc.data), "industry": (form.industry.data or "").strip(),
        "workers": form.workers.data, "members": form.members.data, "union_chair": (form.union_chair.data or "").strip(),
        "contact_phone": (form.contact_phone.data or "").strip(),
    }


def _enterprise_problems(form: EnterpriseForm, values: dict) -> bool:
    problem = uscc_problem(values["uscc"])
    if problem:
        form.uscc.errors.append(problem)
    if values["members"] is not None and values["members"] > values["workers"]:
        form.members.errors.append("工会会员人数不能多于职工人数")
    return bool(form.uscc.errors or form.members.errors)


@bp.route("/stations/<int:station_id>/enterprises/new", methods=["GET", "POST"])
@login_required
def new_enterprise(station_id):
    station = station_or_404(station_id)
    require(can_edit_station(station.id))
    form = EnterpriseForm()
    if form.validate_on_submit():
        values = _enterprise_values(form)
        if not _enterprise_problems(form, values):
            try:
                enterprise = services.add_enterprise(station, values, current_user.username)
            except services.StationError as exc:
                form.uscc.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("已添加企业 %(name)s", name=enterprise.name), "success")
                return redirect_after_post(url_for("stations.show", station_id=station.id))
    status = 422 if form.errors or request.method == "POST" else 200
    return render_template("stations/enterprise_form.html", station=station, form=form, enterprise=None), status


@bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
@login_required
def enterprise(enterprise_id):
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    station_id = services.current_station_id(enterprise.id)
    station = station_or_404(station_id) if station_id else None
    editable = current_user.is_admin or (station is not None and can_edit_station(station.id))
    form = EnterpriseForm(obj=enterprise)
    status = 200
    if request.method == "POST":
        require(editable)
        if form.validate_on_submit():
            values = _enterprise_values(form)
            if not _enterprise_problems(form, values):
                try:
                    services.update_enterprise(enterprise, values, current_user.username)
                except services.StationError as exc:
                    form.uscc.errors.append(str(exc))
                else:
                    db.session.commit()
                    flash(_("已保存"), "success")
                    return redirect_after_post(url_for("stations.enterprise", enterprise_id=enterprise.id))
        status = 422
    move_form = MoveForm(moved_on=clock.today())
    move_form.station_id.choices = [SelectChoice(0, _("移出所有工作站"))] + [
        SelectChoice(s.id, s.name) for s in services.all_stations() if s.id != station_id]
    stations_by_id = {s.id: s for s in services.all_stations()}
    return render_template(
        "stations/enterprise.html", enterprise=enterprise, station=station, form=form, move_form=move_form,
        history=services.station_history(enterprise.id), stations_by_id=stations_by_id, editable=editable, year=_year(),
    ), status


@bp.route("/enterprises/<int:enterprise_id>/move", methods=["POST"])
@admin_required
def move_enterprise(enterprise_id):
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    form = MoveForm()
    form.station_id.choices = [SelectChoice(0, "")] + [SelectChoice(s.id, s.name) for s in services.all_stations()]
    if form.validate_on_submit():
        target = station_or_404(form.station_id.data) if form.station_id.data else None
        try:
            services.move_enterprise(enterprise, target, form.moved_on.data, current_user.username)
        except services.StationError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("已调整所属工作站"), "success")
    return redirect(url_for("stations.enterprise", enterprise_id=enterprise.id))


@bp.route("/enterprises/template.xlsx")
@login_required
def enterprise_template_download():
    return send_file(io.BytesIO(enterprise_template()), mimetype=XLSX, as_attachment=True, download_name="企业名单模板.xlsx")


@bp.route("/stations/<int:station_id>/enterprises.xlsx")
@login_required
def export_station_enterprises(station_id):
    station = station_or_404(station_id)
    rows = [
        {"name": e.name, "uscc": e.uscc, "industry": e.industry, "workers": e.workers, "members": e.members,
         "union_chair": e.union_chair, "contact_phone": e.contact_phone}
        for e in services.covered_enterprises(station.id, _year())
    ]
    return send_file(io.BytesIO(export_enterprises(rows)), mimetype=XLSX, as_attachment=True,
                     download_name=attachment_name(f"{station.name}-企业名单.xlsx"))


@bp.route("/stations/<int:station_id>/import", methods=["GET", "POST"])
@login_required
def import_enterprises(station_id):
    station = station_or_404(station_id)
    require(can_edit_station(station.id))
    form = ImportForm()
    problems, status = [], 200
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not upload.filename:
            problems = [(0, "请选择要导入的 Excel 文件")]
        else:
            result = parse_enterprises(upload.read())
            problems = result.problems
            if result.ok:
                count, problems = services.import_enterprises(station, result.rows, current_user.username)
                if not problems:
                    db.session.commit()
                    flash(_("已导入 %(n)s 家企业", n=count), "success")
                    return redirect_after_post(url_for("stations.show", station_id=station.id))
        status = 422
    return render_template("stations/import.html", station=station, form=form, problems=problems), status


# Budget ----------------------------------------------------------------------------------------------

def _budget_context(station, year, expense_form=None, budget_form=None, overspend_message=None):
    budget, used = services.budget_for(station.id, year), services.spent(station.id, year)
    return {
        "station": station, "year": year, "budget": budget, "spent": used,
        "remaining": rules.remaining_budget(budget, used), "expenses": services.expenses(station.id, year),
        "expense_form": expense_form or ExpenseForm(spent_on=clock.today()), "budget_form": budget_form or BudgetForm(amount=budget),
        "overspend_message": overspend_message, "can_edit": can_edit_station(station.id),
    }


@bp.route("/stations/<int:station_id>/budget")
@login_required
def budget(station_id):
    station = station_or_404(station_id)
    return render_template("stations/budget.html", **_budget_context(station, _year()))


@bp.route("/stations/<int:station_id>/budget", methods=["POST"])
@admin_required
def set_budget(station_id):
    station = station_or_404(station_id)
    form, year = BudgetForm(), _year()
    if form.validate_on_submit():
        services.set_budget(station, year, form.amount.data, current_user.username)
        db.session.commit()
        flash(_("已设置 %(year)s 年预算", year=year), "success")
        return redirect(url_for("stations.budget", station_id=station.id, year=year))
    return render_template("stations/budget.html", **_budget_context(station, year, budget_form=form)), 422


@bp.route("/stations/<int:station_id>/expenses", methods=["POST"])
@login_required
def add_expense(station_id):
    station = station_or_404(station_id)
    require(can_edit_station(station.id))
    form = ExpenseForm()
    message = None
    if form.validate_on_submit():
        values = {"spent_on": form.spent_on.data, "amount": form.amount.data, "category": form.category.data,
                  "description": (form.description.data or "").strip()}
        try:
            receipt = None
            if form.receipt.data and form.receipt.data.filename:
                stored, name, kind = files.accept_upload(form.receipt.data)
                receipt = (stored.sha256, name, kind.mime)
            services.add_expense(station, values, confirmed=form.confirm_overspend.data, actor=current_user.username, receipt=receipt)
        except files.UploadRefused as exc:
            form.receipt.errors.append(str(exc))
        except services.OverspendNeedsConfirmation as exc:
            message = str(exc)
        except services.StationError as exc:
            form.spent_on.errors = list(form.spent_on.errors) + [str(exc)]
        else:
            db.session.commit()
            flash(_("已记录支出"), "success")
            return redirect_after_post(url_for("stations.budget", station_id=station.id, year=values["spent_on"].year))
    year = form.spent_on.data.year if form.spent_on.data else _year()
    context = _budget_context(station, year, expense_form=form, overspend_message=message)
    return render_page_or_fragment("stations/budget.html", "stations/_expense_form.html", status=422, **context)


@bp.route("/stations/<int:station_id>/expenses/<int:expense_id>/receipt")
@login_required
def receipt(station_id, expense_id):
    expense = db.get_or_404(StationExpense, expense_id)
    if expense.station_id != station_id or not expense.receipt_sha256:
        abort(404)
    return files.send_stored(expense.receipt_sha256, expense.receipt_name, expense.receipt_type)


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    form = SettingsForm(obj=services.federation_settings(), time_zone=clock.zone().key)
    if form.validate_on_submit():
        services.update_default_budget(form.default_station_budget.data, current_user.username)
        if form.time_zone.data:
            services.update_time_zone(form.time_zone.data, current_user.username)
        db.session.commit()
        flash(_("已保存"), "success")
        return redirect(url_for("stations.settings"))
    return render_template("stations/settings.html", form=form), (422 if form.errors else 200)
