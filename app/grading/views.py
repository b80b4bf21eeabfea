from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.auth.access import admin_required
from app.auth.forms import ConfirmForm
from app.excel import Sheet, write_workbook
from app.extensions import db
from app.stations import rules as station_rules
from app.stations.access import can_edit_station, require, station_or_404
from app.web import form_errors_text, is_fragment_request

from . import bp, rules, services
from .forms import EntryForm, ItemForm, ReasonForm, TiersForm
from .models import GradingItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else clock.today().year


def _back(station_id: int, year: int):
    return redirect(url_for("grading.station", station_id=station_id, year=year))


@bp.route("/grading")
@login_required
def index():
    year = _year()
    rows = services.overview(year)
    db.session.commit()  # the year's default sheet, if it was just made
    return render_template("grading/index.html", year=year, rows=rows, sheet=services.sheet_for(year))


def _station_page(station, year, status=200, entry_errors=None):
    grading = services.grading_for(station, year)
    db.session.commit()
    context = {
        "g": grading, "year": year, "station": station, "entry_form": EntryForm(), "reason_form": ReasonForm(),
        "confirm_form": ConfirmForm(), "can_edit": _can_edit_entries(station, grading.score),
        "entry_errors": entry_errors or {}, "kinds": rules.KINDS, "awards": services.awards_of(grading.score),
        "role_names": station_rules.ROLES,
    }
    return render_template("grading/station.html", **context), status


def _can_edit_entries(station, score) -> bool:
    if score is not None and score.is_locked:
        return False
    if current_user.is_admin:
        return True
    return can_edit_station(station.id) and (score is None or score.status in services.EDITABLE_BY_STATION)


@bp.route("/grading/stations/<int:station_id>")
@login_required
def station(station_id):
    return _station_page(station_or_404(station_id), _year())


@bp.route("/grading/stations/<int:station_id>/items/<int:item_id>", methods=["POST"])
@login_required
def set_entry(station_id, item_id):
    station, year = station_or_404(station_id), _year()
    require(current_user.is_admin or can_edit_station(station.id))
    item = db.get_or_404(GradingItem, item_id)
    if item.sheet_id != services.sheet_for(year).id:
        abort(404)
    form = EntryForm()
    errors = {}
    if form.validate_on_submit():
        try:
            services.set_entry(station, year, item, form.value.data, form.reason.data, actor=current_user.username,
                               is_admin=current_user.is_admin)
        except services.GradingError as exc:
            db.session.rollback()  # set_entry may have flushed the station's draft score: a refusal stores nothing
            errors[item.id] = str(exc)
        else:
            db.session.commit()
    else:
        errors[item.id] = form_errors_text(form)
    if is_fragment_request():
        grading = services.grading_for(station, year)
        line = next(line for line in grading.grade.lines if line.item.key == item.id)
        return render_template("grading/_line.html", g=grading, line=line, item=item, station=station, year=year,
                               entry=grading.entries.get(item.id), can_edit=_can_edit_entries(station, grading.score),
                               entry_errors=errors, oob_total=True), (422 if errors else 200)
    if errors:
        return _station_page(station, year, 422, errors)
    return _back(station.id, year)


@bp.route("/grading/stations/<int:station_id>/submit", methods=["POST"])
@login_required
def submit(station_id):
    station, year = station_or_404(station_id), _year()
    require(current_user.is_admin or can_edit_station(station.id))
    if ConfirmForm().validate_on_submit():
        _run(lambda: services.submit(station, year, current_user.username), _("自评已提交，等待审核"))
    return _back(station.id, year)


@bp.route("/grading/stations/<int:station_id>/return", methods=["POST"])
@admin_required
def send_back(station_id):
    station, year = station_or_404(station_id), _year()
    form = ReasonForm()
    if form.validate_on_submit():
        _run(lambda: services.send_back(station, year, form.reason.data, current_user.username), _("已退回"))
    else:
        flash(_("退回请说明理由"), "error")
    return _back(station.id, year)


@bp.route("/grading/stations/<int:station_id>/confirm", methods=["POST"])
@admin_required
def confirm(station_id):
    station, year = station_or_404(station_id), _year()
    if ConfirmForm().validate_on_submit():
        _run(lambda: services.confirm(station, year, current_user.username), _("已确认，得分与相关数据已锁定"))
    return _back(station.id, year)


@bp.route("/grading/stations/<int:station_id>/unlock", methods=["POST"])
@admin_required
def unlock(station_id):
    station, year = station_or_404(station_id), _year()
    form = ReasonForm()
    if form.validate_on_submit():
        _run(lambda: services.unlock(station, year, form.reason.data, current_user.username), _("已解锁，考核回到待审核"))
    else:
        flash(_("解锁请说明理由"), "error")
    return _back(station.id, year)


def _run(operation, success: str) -> None:
    try:
        operation()
    except services.GradingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success, "success")


# The sheet -----------------------------------------------------------------------------------------

def _item_values(form: ItemForm) -> dict:
    kind = form.kind.data
    return {
        "category": form.category.data.strip(), "name": form.name.data.strip(), "kind": kind,
        "metric": form.metric.data if kind in ("metric", "veto") else "",
        "max_points": form.max_points.data if kind != "veto" else 0,
        "target": form.target.data if kind == "metric" else None,
        "brackets": (form.brackets.data or "").strip() if kind == "bracket" else "",
    }


def _sheet_page(year, status=200, item_form=None, tiers_form=None):
    sheet = services.sheet_for(year)
    items, tiers = services.items_of(sheet), services.tiers_of(sheet)
    db.session.commit()
    if tiers_form is None:
        tiers_form = TiersForm(tiers="\n".join(f"{t.name},{t.min_score},{t.chief_stipend},{t.deputy_stipend}" for t in tiers))
    total = sum((i.max_points for i in items if i.kind != "veto"), 0)
    return render_template(
        "grading/sheet.html", year=year, sheet=sheet, items=items, tiers=tiers, total=total,
        problems=services.sheet_problems(sheet), item_form=item_form or ItemForm(), tiers_form=tiers_form,
        confirm_form=ConfirmForm(), metric_labels={**rules.METRIC_LABELS, **rules.VETOES, "manual": "人工认定的否决"},
    ), status


@bp.route("/grading/sheet")
@login_required
def sheet():
    return _sheet_page(_year())


@bp.route("/grading/sheet/items", methods=["POST"])
@bp.route("/grading/sheet/items/<int:item_id>", methods=["POST"])
@admin_required
def save_item(item_id=None):
    year = _year()
    sheet = services.sheet_for(year)
    item = None
    if item_id is not None:
        item = db.get_or_404(GradingItem, item_id)
        if item.sheet_id != sheet.id:
            abort(404)
    form = ItemForm()
    if form.validate_on_submit():
        try:
            services.save_item(sheet, _item_values(form), current_user.username, item)
        except services.GradingError as exc:
            form.brackets.errors = list(form.brackets.errors) + [str(exc)]
        else:
            db.session.commit()
            flash(_("已保存；考核表改为草稿，合计 100 分后请重新发布"), "success")
            return redirect(url_for("grading.sheet", year=year))
    return _sheet_page(year, 422, item_form=form)


@bp.route("/grading/sheet/items/<int:item_id>/delete", methods=["POST"])
@admin_required
def delete_item(item_id):
    year = _year()
    sheet = services.sheet_for(year)
    item = db.get_or_404(GradingItem, item_id)
    if item.sheet_id != sheet.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        _run(lambda: services.delete_item(sheet, item, current_user.username), _("已删除"))
    return redirect(url_for("grading.sheet", year=year))


@bp.route("/grading/sheet/tiers", methods=["POST"])
@admin_required
def save_tiers():
    year = _year()
    form = TiersForm()
    if form.validate_on_submit():
        _run(lambda: services.save_tiers(services.sheet_for(year), form.parsed, current_user.username), _("已保存等次与补贴"))
        return redirect(url_for("grading.sheet", year=year))
    return _sheet_page(year, 422, tiers_form=form)


@bp.route("/grading/sheet/publish", methods=["POST"])
@admin_required
def publish():
    year = _year()
    if ConfirmForm().validate_on_submit():
        _run(lambda: services.publish(services.sheet_for(year), current_user.username), _("考核表已发布"))
    return redirect(url_for("grading.sheet", year=year))


@bp.route("/grading/stipends.xlsx")
@login_required
def stipends():
    year = _year()
    headers = ["工作站", "姓名", "职务", "任职月数", "考核等次", "补贴金额（元）"]
    rows = [[station, person, station_rules.ROLES.get(role, role), months, tier, amount]
            for station, person, role, months, tier, amount in services.stipend_roster(year)]
    rows.append(["合计", "", "", "", "", sum((r[5] for r in rows), 0)])
    data = write_workbook([Sheet(f"{year}年兼职补贴", headers, rows)])
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{year}年工作站兼职补贴发放表.xlsx")
