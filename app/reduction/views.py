"""Pages of the reduction area (精文减会、为基层减负): registers, forms, the duplication check, the
dashboard, the roll-up of the subtree and the working-day calendar."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import clock
from app.auth.access import admin_required
from app.extensions import db
from app.web import form_errors_text, is_fragment_request, redirect_after_post, render_page_or_fragment
from app.workdays import services as calendar_services
from app.workdays import work_calendar
from app.workdays.calendar import PACKAGE
from app.workdays.calendar import SOURCES as CALENDAR_SOURCES
from tenants import current_tenant

from . import bp, duplication, rules, services, summary
from .extract import ExtractionError, display_name, extract_text
from .forms import CalendarDayForm, DocumentForm, DraftForm, InspectionForm, MeetingForm, OverrideForm
from .models import Document, Inspection, Meeting, ReductionFlag

SUBJECTS = {services.DOCUMENT: "reduction.document", services.MEETING: "reduction.meeting",
            services.INSPECTION: "reduction.inspection"}


def require(condition: bool) -> None:
    if not condition:
        abort(403)


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else clock.today().year


def _years(year: int) -> range:
    today = clock.today().year
    return range(min(year, today - 3), max(year, today + 1) + 1)


def _flag_filter() -> str:
    flag = request.args.get("flag", "all")
    return flag if flag in services.FLAG_FILTERS else "all"


def subject_url(flag: ReductionFlag) -> str:
    return url_for(SUBJECTS[flag.subject_type], **{f"{flag.subject_type}_id": flag.subject_id})


@bp.context_processor
def _helpers():
    return {"flag_details": rules.FLAG_DETAILS, "field_labels": rules.FIELD_LABELS, "subject_url": subject_url}


def _attach(form, problems: dict[str, str]) -> None:
    for field, message in problems.items():
        target = form[field] if field in form else next(iter(form))
        target.errors = list(target.errors) + [message]


def _uploaded_text(form) -> tuple[str, str | None] | None:
    """(text, name to show) of an uploaded .docx/.txt, or None when nothing was uploaded; a refusal goes
    beside the file field (and gives ("", None))."""
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    limit = current_app.config["MAX_EVIDENCE_BYTES"]
    data = upload.read(limit + 1)
    try:
        if len(data) > limit:
            raise ExtractionError(_("文件超过 %(n)s MB 上限", n=limit // 2**20))
        return extract_text(upload.filename, data), display_name(upload.filename, data)
    except ExtractionError as exc:
        form.file.errors = list(form.file.errors) + [str(exc)]
        return "", None


# Dashboard and roll-up ---------------------------------------------------------------------------

@bp.route("/reduction")
@login_required
def dashboard():
    year = _year()
    board = services.dashboard(year)
    return render_template("reduction/dashboard.html", board=board, year=year, years=_years(year),
                           titles=services.subject_titles(board.open_flags))


@bp.route("/reduction/recheck", methods=["POST"])
@admin_required
def recheck():
    year = _year()
    services.recheck_year(year, current_user.username)
    db.session.commit()
    flash(_("已按现行规则和日历重新核对 %(year)s 年的标记", year=year), "success")
    return redirect(url_for("reduction.dashboard", year=year))


@bp.route("/reduction/rollup")
@login_required
def rollup():
    year = _year()
    rows = summary.rollup(db.session, current_tenant, year)
    only_open = request.args.get("show") == "open"
    below = [r for r in rows if r.tenant_id != current_tenant.id]
    shown = [r for r in rows if r.this_year["open_flags"]] if only_open else rows
    targets = {
        "general": summary.compliance(rows, "general_documents", rules.GENERAL_DOCUMENT_CUT_PCT),
        "items": summary.compliance(rows, "inspection_items", rules.INSPECTION_ITEM_CUT_PCT),
    }
    return render_page_or_fragment("reduction/rollup.html", "reduction/_rollup.html", rows=shown, total=summary.totals(rows),
                                   compliance=targets, year=year, years=_years(year), has_below=bool(below), only_open=only_open)


# Documents -------------------------------------------------------------------------------------------

@bp.route("/reduction/documents")
@login_required
def documents():
    year, doc_type, department = _year(), request.args.get("type", ""), request.args.get("department", "")
    found = services.documents(year, doc_type, department, _flag_filter())
    return render_page_or_fragment(
        "reduction/documents.html", "reduction/_documents.html", documents=found, year=year, years=_years(year),
        doc_type=doc_type, department=department, flag=_flag_filter(), departments=services.departments(Document),
        flags=services.flags_of(services.DOCUMENT, [d.id for d in found]), types=rules.DOCUMENT_TYPES,
        flag_filters=services.FLAG_FILTERS,
    )


def _document_values(form: DocumentForm, body: str, source_name: str | None) -> dict:
    return {"number": (form.number.data or "").strip(), "title": form.title.data.strip(),
            "department": form.department.data.strip(), "issued_on": form.issued_on.data, "doc_type": form.doc_type.data,
            "has_measures": form.has_measures.data, "is_routine": form.is_routine.data, "body": body, "source_name": source_name}


def _save_document_form(form: DocumentForm, document: Document | None):
    """Validate and save; the saved document, or None with the errors on the form."""
    if not form.validate_on_submit():
        return None
    uploaded = _uploaded_text(form)
    if form.file.errors:
        return None
    body, source_name = uploaded if uploaded is not None else ((form.body.data or "").strip(), None)
    values = _document_values(form, body, source_name)
    if uploaded is None and document is not None:
        values["source_name"] = document.source_name if body == document.body else None
    try:
        return services.save_document(document, values, current_user.username)
    except services.ReductionError as exc:
        _attach(form, exc.problems)
        return None


@bp.route("/reduction/documents/new", methods=["GET", "POST"])
@admin_required
def new_document():
    form = DocumentForm(issued_on=clock.today())
    if request.method == "POST":
        document = _save_document_form(form, None)
        if document is not None:
            db.session.commit()
            flash(_("已登记文件 %(title)s", title=document.title), "success")
            return redirect_after_post(url_for("reduction.document", document_id=document.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reduction/document_form.html", form=form, document=None), status


@bp.route("/reduction/documents/<int:document_id>", methods=["GET", "POST"])
@login_required
def document(document_id):
    document = db.get_or_404(Document, document_id)
    form, status = DocumentForm(obj=document), 200
    if request.method == "POST":
        require(current_user.is_admin)
        if _save_document_form(form, document) is not None:
            db.session.commit()
            flash(_("已保存"), "success")
            return redirect_after_post(url_for("reduction.document", document_id=document.id))
        status = 422
    report = duplication.check(document.body, current_tenant)
    return render_template(
        "reduction/document.html", document=document, form=form, report=report, override_form=OverrideForm(),
        flags=services.flags_of(services.DOCUMENT, [document.id])[document.id],
        history=services.history(services.DOCUMENT, document.id),
    ), status


@bp.route("/reduction/documents/<int:document_id>/delete", methods=["POST"])
@admin_required
def delete_document(document_id):
    document = db.get_or_404(Document, document_id)
    year = document.year
    services.delete_document(document, current_user.username)
    db.session.commit()
    flash(_("已删除"), "success")
    return redirect_after_post(url_for("reduction.documents", year=year))


@bp.route("/reduction/check", methods=["GET", "POST"])
@login_required
def check():
    form, report, status = DraftForm(), None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            uploaded = _uploaded_text(form)
            body = uploaded[0] if uploaded is not None else (form.body.data or "")
            if not form.file.errors:
                if not body.strip():
                    form.body.errors = [_("请粘贴文稿全文或上传 .docx / .txt 文件")]
                elif len(body) > duplication.MAX_DRAFT_CHARACTERS:
                    form.body.errors = [_("文稿最长 %(n)s 字", n=f"{duplication.MAX_DRAFT_CHARACTERS:,}")]
                else:
                    report = duplication.check(body, current_tenant)
                    form.body.data = body
        if report is None:
            status = 422
    return render_page_or_fragment("reduction/check.html", "reduction/_check.html", status=status, form=form, report=report)


# Meetings -------------------------------------------------------------------------------------------

@bp.route("/reduction/meetings")
@login_required
def meetings():
    year, department = _year(), request.args.get("department", "")
    found = services.meetings(year, department, _flag_filter())
    return render_page_or_fragment(
        "reduction/meetings.html", "reduction/_meetings.html", meetings=found, year=year, years=_years(year),
        department=department, flag=_flag_filter(), departments=services.departments(Meeting),
        flags=services.flags_of(services.MEETING, [m.id for m in found]), flag_filters=services.FLAG_FILTERS,
    )


def _meeting_values(form: MeetingForm) -> dict:
    return {"title": form.title.data.strip(), "department": form.department.data.strip(), "held_on": form.held_on.data,
            "starts_at": form.starts_at.data, "duration_minutes": form.duration_minutes.data, "kind": form.kind.data,
            "mode": form.mode.data, "levels_down": form.levels_down.data, "could_be_video": form.could_be_video.data}


def _save_meeting_form(form: MeetingForm, meeting: Meeting | None):
    if not form.validate_on_submit():
        return None
    try:
        return services.save_meeting(meeting, _meeting_values(form), current_user.username)
    except services.ReductionError as exc:
        _attach(form, exc.problems)
        return None


@bp.route("/reduction/meetings/new", methods=["GET", "POST"])
@admin_required
def new_meeting():
    form = MeetingForm(held_on=clock.today(), duration_minutes=60, mode=rules.VIDEO, levels_down=1)
    if request.method == "POST":
        meeting = _save_meeting_form(form, None)
        if meeting is not None:
            db.session.commit()
            flash(_("已登记会议 %(title)s", title=meeting.title), "success")
            return redirect_after_post(url_for("reduction.meeting", meeting_id=meeting.id))
    return render_template("reduction/meeting_form.html", form=form, meeting=None), 422 if request.method == "POST" else 200


@bp.route("/reduction/meetings/<int:meeting_id>", methods=["GET", "POST"])
@login_required
def meeting(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    form, status = MeetingForm(obj=meeting), 200
    if request.method == "POST":
        require(current_user.is_admin)
        if _save_meeting_form(form, meeting) is not None:
            db.session.commit()
            flash(_("已保存"), "success")
            return redirect_after_post(url_for("reduction.meeting", meeting_id=meeting.id))
        status = 422
    return render_template(
        "reduction/meeting_form.html", form=form, meeting=meeting, override_form=OverrideForm(),
        flags=services.flags_of(services.MEETING, [meeting.id])[meeting.id], history=services.history(services.MEETING, meeting.id),
    ), status


@bp.route("/reduction/meetings/<int:meeting_id>/delete", methods=["POST"])
@admin_required
def delete_meeting(meeting_id):
    meeting = db.get_or_404(Meeting, meeting_id)
    year = meeting.year
    services.delete_meeting(meeting, current_user.username)
    db.session.commit()
    flash(_("已删除"), "success")
    return redirect_after_post(url_for("reduction.meetings", year=year))


# Inspections -------------------------------------------------------------------------------------------

def _calendar_context(year: int) -> dict:
    calendar = work_calendar()
    return {"calendar_source": calendar.source(year), "calendar_known": calendar.known_year(year),
            "calendar_sources": CALENDAR_SOURCES, "can_edit_calendar": can_edit_calendar()}


@bp.route("/reduction/inspections")
@login_required
def inspections():
    year, department = _year(), request.args.get("department", "")
    found = services.inspections(year, department, _flag_filter())
    return render_page_or_fragment(
        "reduction/inspections.html", "reduction/_inspections.html", inspections=found, year=year, years=_years(year),
        department=department, flag=_flag_filter(), departments=services.departments(Inspection),
        flags=services.flags_of(services.INSPECTION, [i.id for i in found]), flag_filters=services.FLAG_FILTERS,
        targets=services.targets_of([i.id for i in found]), **_calendar_context(year),
    )


def _inspection_form(inspection: Inspection | None = None, **defaults) -> InspectionForm:
    form = InspectionForm(obj=inspection, **defaults)
    choices = services.target_choices(current_tenant)
    form.targets.choices = [SelectChoice(t.id, "　" * max(t.depth - current_tenant.depth - 1, 0) + t.name) for t in choices]
    if inspection is not None and request.method == "GET":
        form.targets.data = [t.tenant_id for t in services.targets_of([inspection.id])[inspection.id]]
    return form


def _save_inspection_form(form: InspectionForm, inspection: Inspection | None):
    if not form.validate_on_submit():
        return None
    values = {"title": form.title.data.strip(), "department": form.department.data.strip(), "kind": form.kind.data,
              "starts_on": form.starts_on.data, "ends_on": form.ends_on.data, "items": form.items.data,
              "scores_paperwork": form.scores_paperwork.data}
    try:
        return services.save_inspection(inspection, values, form.targets.data or [], current_user.username)
    except services.ReductionError as exc:
        _attach(form, exc.problems)
        return None


@bp.route("/reduction/inspections/new", methods=["GET", "POST"])
@admin_required
def new_inspection():
    form = _inspection_form(starts_on=clock.today(), ends_on=clock.today(), items=0)
    if request.method == "POST":
        inspection = _save_inspection_form(form, None)
        if inspection is not None:
            db.session.commit()
            flash(_("已登记检查 %(title)s", title=inspection.title), "success")
            return redirect_after_post(url_for("reduction.inspection", inspection_id=inspection.id))
    year = form.starts_on.data.year if form.starts_on.data else clock.today().year
    return render_template("reduction/inspection_form.html", form=form, inspection=None, year=year,
                           **_calendar_context(year)), 422 if request.method == "POST" else 200


@bp.route("/reduction/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(inspection_id):
    inspection = db.get_or_404(Inspection, inspection_id)
    form, status = _inspection_form(inspection), 200
    if request.method == "POST":
        require(current_user.is_admin)
        if _save_inspection_form(form, inspection) is not None:
            db.session.commit()
            flash(_("已保存"), "success")
            return redirect_after_post(url_for("reduction.inspection", inspection_id=inspection.id))
        status = 422
    return render_template(
        "reduction/inspection_form.html", form=form, inspection=inspection, override_form=OverrideForm(), year=inspection.year,
        flags=services.flags_of(services.INSPECTION, [inspection.id])[inspection.id],
        targets=services.targets_of([inspection.id])[inspection.id],
        history=services.history(services.INSPECTION, inspection.id), **_calendar_context(inspection.year),
    ), status


@bp.route("/reduction/inspections/<int:inspection_id>/delete", methods=["POST"])
@admin_required
def delete_inspection(inspection_id):
    inspection = db.get_or_404(Inspection, inspection_id)
    year = inspection.year
    services.delete_inspection(inspection, current_user.username)
    db.session.commit()
    flash(_("已删除"), "success")
    return redirect_after_post(url_for("reduction.inspections", year=year))


# Flags ------------------------------------------------------------------------------------------------

@bp.route("/reduction/flags/<int:flag_id>/override", methods=["POST"])
@admin_required
def override(flag_id):
    flag = db.get_or_404(ReductionFlag, flag_id)
    form = OverrideForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.override_flag(flag, form.reason.data, current_user.username)
        except services.ReductionError as exc:
            _attach(form, exc.problems)
            status = 422
        else:
            db.session.commit()
            if not is_fragment_request():
                flash(_("已记录理由"), "success")
                return redirect(subject_url(flag))
    else:
        status = 422
    if is_fragment_request():
        return render_page_or_fragment("reduction/_flag.html", "reduction/_flag.html", status=status, flag=flag,
                                       override_form=form)
    flash(form_errors_text(form), "error")
    return redirect(subject_url(flag))


# Calendar ---------------------------------------------------------------------------------------------

def can_edit_calendar() -> bool:
    """National data: only administrators of a province-level federation enter it."""
    return current_user.is_authenticated and current_user.is_admin and current_tenant.kind == "province"


def _calendar_page(year: int, form=None, status: int = 200):
    calendar = work_calendar()
    return render_template(
        "reduction/calendar.html", year=year, form=form or CalendarDayForm(), days=calendar_services.entered_days(year),
        calendar_source=calendar.source(year), calendar_sources=CALENDAR_SOURCES,
        status_row=calendar_services.year_status(year), can_edit=can_edit_calendar(),
        package_knows=calendar.source(year) == PACKAGE,
    ), status


@bp.route("/reduction/calendar/<int:year>", methods=["GET", "POST"])
@login_required
def calendar(year):
    if not calendar_services.MIN_YEAR <= year <= calendar_services.MAX_YEAR:
        abort(404)
    if request.method == "GET":
        return _calendar_page(year)
    require(can_edit_calendar())
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            if form.first.data.year != year or (form.last.data and form.last.data.year != year):
                raise calendar_services.CalendarError(f"请录入 {year} 年的日期")
            count = calendar_services.set_days(form.first.data, form.last.data or form.first.data,
                                               form.is_workday.data == "workday", form.name.data,
                                               actor=f"{current_tenant.slug}/{current_user.username}")
        except calendar_services.CalendarError as exc:
            form.first.errors = list(form.first.errors) + [str(exc)]
        else:
            db.session.commit()
            flash(_("已录入 %(n)s 天", n=count), "success")
            return redirect_after_post(url_for("reduction.calendar", year=year))
    return _calendar_page(year, form, 422)


@bp.route("/reduction/calendar/<int:year>/<day>/remove", methods=["POST"])
@login_required
def remove_calendar_day(year, day):
    require(can_edit_calendar())
    try:
        calendar_services.remove_day(_parse_day(day, year), actor=f"{current_tenant.slug}/{current_user.username}")
    except calendar_services.CalendarError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
    return redirect_after_post(url_for("reduction.calendar", year=year))


@bp.route("/reduction/calendar/<int:year>/confirm", methods=["POST"])
@login_required
def confirm_calendar(year):
    require(can_edit_calendar())
    try:
        calendar_services.confirm_year(year, actor=f"{current_tenant.slug}/{current_user.username}",
                                       confirmed=request.form.get("reopen") != "1")
    except calendar_services.CalendarError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("已保存"), "success")
    return redirect_after_post(url_for("reduction.calendar", year=year))


def _parse_day(value: str, year: int) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        abort(404)
    if day.year != year:
        abort(404)
    return day
