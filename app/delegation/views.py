from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import clock, files
from app.auth import rules as account_rules
from app.extensions import db
from app.stations.access import require
from app.stations.models import Enterprise
from app.web import form_errors_text, redirect_after_post, render_page_or_fragment
from tenants import current_tenant, registry
from tenants.web import reading, registry_connection, working_in

from . import acting, bp, rules, services
from .forms import AcceptForm, CaseForm, CloseForm, ConfirmCaseForm, DuesForm, NoteForm, ReasonForm
from .models import CaseEscalation, CaseEvent, DelegationCase

ACTIONS = ("accept", "note", "close", "confirm", "reopen", "escalate")


def _works() -> bool:
    """Everyone but viewers may open and handle cases."""
    return current_user.is_authenticated and current_user.role != account_rules.VIEWER


def _filters() -> dict:
    return {"kind": request.args.get("kind", ""), "status": request.args.get("status", ""), "overdue": request.args.get("overdue") == "1"}


@bp.route("/cases")
@login_required
def index():
    filters = _filters()
    context = {"cases": services.queue(**filters), "escalated": services.escalated_to(current_tenant.id, **filters),
               "filters": filters, "kinds": rules.KINDS, "statuses": rules.STATUSES, "today": clock.today()}
    return render_page_or_fragment("delegation/index.html", "delegation/_queue.html", **context)


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new():
    require(_works())
    form = CaseForm()
    form.enterprise_ids.choices = [SelectChoice(e.id, e.name) for e in db.session.scalars(db.select(Enterprise).order_by(Enterprise.name))]
    errors = {}
    if form.validate_on_submit():
        values = {"kind": form.kind.data, "source": form.source.data, "title": form.title.data.strip(),
                  "description": (form.description.data or "").strip()}
        try:
            case = services.open_case(values, form.enterprise_ids.data or [], current_user.username)
        except services.CaseError as exc:
            errors = exc.problems
        else:
            db.session.commit()
            flash(_("已登记案件 %(number)s", number=case.number), "success")
            return redirect_after_post(url_for("delegation.show", case_id=case.id))
    status = 422 if request.method == "POST" else 200
    return render_template("delegation/new.html", form=form, errors=errors), status


def _case_context(case, *, escalation=None, origin=None, handling=False, errors=None):
    return {
        "case": case, "enterprises": services.enterprises_of(case), "events": services.timeline(case),
        "escalation": escalation, "origin": origin, "handling": handling, "errors": errors or {},
        "accept_form": AcceptForm(), "note_form": NoteForm(happened_on=clock.today()), "close_form": CloseForm(),
        "confirm_form": ConfirmCaseForm(), "reason_form": ReasonForm(), "today": clock.today(),
        "outcome_fields": rules.OUTCOME_FIELDS.get(case.kind, {}),
    }


def _may(case: DelegationCase, action: str, *, at_parent: bool, works: bool | None = None) -> bool:
    """Who may do what: the acting level handles (this federation, or the parent once passed up);
    the grassroots side confirms or sends back; only this federation passes a case up."""
    if not (_works() if works is None else works):
        return False
    if action in ("accept", "note", "close"):
        return at_parent if case.escalated_to is not None else True
    if action in ("confirm", "reopen"):
        return not at_parent
    return not at_parent and current_user.is_admin and case.escalated_to is None  # escalate


@bp.route("/cases/<int:case_id>")
@login_required
def show(case_id):
    case = db.get_or_404(DelegationCase, case_id)
    context = _case_context(case, handling=False)
    context["allowed"] = {a for a in ACTIONS if _may(case, a, at_parent=False)}
    db.session.commit()
    return render_template("delegation/case.html", **context)


@bp.route("/cases/<int:case_id>/<action>", methods=["POST"])
@login_required
def act(case_id, action):
    if action not in ACTIONS:
        abort(404)
    case = db.get_or_404(DelegationCase, case_id)
    require(_may(case, action, at_parent=False))
    parent = None
    if action == "escalate" and current_tenant.parent_id:
        with registry_connection() as conn:
            parent = registry.get_by_id(conn, current_tenant.parent_id)
    errors = _run(case, action, current_user.username, parent)
    if errors:
        context = _case_context(case, errors=errors)
        context["allowed"] = {a for a in ACTIONS if _may(case, a, at_parent=False)}
        return render_template("delegation/case.html", **context), 422
    return redirect(url_for("delegation.show", case_id=case.id))


def _run(case: DelegationCase, action: str, actor: str, parent=None) -> dict:
    """Run one workflow action from the posted form; {} on success (committed), else the problems."""
    try:
        if action == "accept":
            form = AcceptForm()
            _valid(form)
            services.accept(case, actor, form.due_on.data)
        elif action == "note":
            form = NoteForm()
            _valid(form)
            upload = None
            if form.file.data and form.file.data.filename:
                stored, name, kind = files.accept_upload(form.file.data)
                upload = (stored.sha256, name, kind.mime)
            services.add_note(case, form.text.data or "", form.happened_on.data, actor, upload)
        elif action == "close":
            form = CloseForm()
            _valid(form)
            services.close(case, form.outcome(), actor)
        elif action == "confirm":
            form = ConfirmCaseForm()
            _valid(form)
            services.confirm(case, form.rating.data, form.note.data or "", actor)
        elif action in ("reopen", "escalate"):
            form = ReasonForm()
            _valid(form)
            if action == "reopen":
                services.reopen(case, form.reason.data, actor)
            else:
                services.escalate(case, parent, form.reason.data, actor)
    except services.CaseError as exc:
        db.session.rollback()
        return exc.problems
    except files.UploadRefused as exc:
        db.session.rollback()
        return {"file": str(exc)}
    db.session.commit()
    flash(_("已保存"), "success")
    return {}


def _valid(form) -> None:
    if not form.validate_on_submit():
        raise services.CaseError(form_errors_text(form), {name: "；".join(map(str, errs)) for name, errs in form.errors.items()})


# Cases passed up to this federation: stored in the origin's schema, handled from here --------------

def _escalation(escalation_id: int) -> tuple[CaseEscalation, object]:
    escalation = db.get_or_404(CaseEscalation, escalation_id)
    if escalation.handler_tenant_id != current_tenant.id:
        abort(404)
    with registry_connection() as conn:
        origin = registry.get_by_id(conn, escalation.origin_tenant_id)
    if origin is None or not origin.is_active:
        abort(404)
    return escalation, origin


@bp.route("/cases/escalated/<int:escalation_id>")
@login_required
def escalated(escalation_id):
    escalation, origin = _escalation(escalation_id)
    works = _works()  # the inner context below has its own g and user
    with reading(origin) as session:  # gather here; render below, in this federation's own context
        case = session.get(DelegationCase, escalation.case_id)
        if case is None:
            abort(404)
        context = _case_context(case, escalation=escalation, origin=origin, handling=True)
        context["allowed"] = {a for a in ACTIONS if _may(case, a, at_parent=True, works=works)}
    return render_template("delegation/case.html", **context)


@bp.route("/cases/escalated/<int:escalation_id>/<action>", methods=["POST"])
@login_required
def escalated_act(escalation_id, action):
    if action not in ("accept", "note", "close"):
        abort(404)
    escalation, origin = _escalation(escalation_id)
    require(_works())
    # Plain values only from here: working_in ends this request's transaction (expiring its
    # objects), and the inner context has its own g and user.
    home, actor = current_tenant.name, current_user.username
    escalation_id, case_id, handler_id = escalation.id, escalation.case_id, escalation.handler_tenant_id
    with working_in(origin) as session:
        g.acting_federation = home  # the parent handles: its name goes on the timeline
        case = session.get(DelegationCase, case_id)
        if case is None or case.escalated_to != handler_id:
            abort(404)
        require(_may(case, action, at_parent=True, works=True))
        errors = _run(case, action, actor)
        if errors:
            context = _case_context(case, escalation=escalation, origin=origin, handling=True, errors=errors)
            context["allowed"] = {a for a in ACTIONS if _may(case, a, at_parent=True, works=True)}
    if errors:
        return render_template("delegation/case.html", **context), 422
    return redirect(url_for("delegation.escalated", escalation_id=escalation_id))


@bp.route("/cases/<int:case_id>/events/<int:event_id>/file")
@login_required
def event_file(case_id, event_id):
    event = db.get_or_404(CaseEvent, event_id)
    if event.case_id != case_id or not event.file_sha256:
        abort(404)
    return files.send_stored(event.file_sha256, event.file_name, event.file_type)


@bp.route("/cases/escalated/<int:escalation_id>/events/<int:event_id>/file")
@login_required
def escalated_event_file(escalation_id, event_id):
    escalation, origin = _escalation(escalation_id)
    with reading(origin) as session:
        event = session.get(CaseEvent, event_id)
        if event is None or event.case_id != escalation.case_id or not event.file_sha256:
            abort(404)
        sha256, name, mimetype = event.file_sha256, event.file_name, event.file_type
    return files.send_stored(sha256, name, mimetype, tenant=origin)


# Per enterprise ---------------------------------------------------------------------------------------

@bp.route("/enterprises/<int:enterprise_id>/cases")
@login_required
def enterprise_cases(enterprise_id):
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    return render_template("delegation/enterprise_cases.html", enterprise=enterprise,
                           cases=services.cases_of_enterprise(enterprise.id), today=clock.today())


@bp.route("/enterprises/<int:enterprise_id>/dues", methods=["GET", "POST"])
@login_required
def dues(enterprise_id):
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    form, errors, status = DuesForm(entry_on=clock.today()), {}, 200
    if request.method == "POST":
        require(_works())
        if form.validate_on_submit():
            try:
                services.add_dues_entry(enterprise, {"entry_on": form.entry_on.data, "kind": form.kind.data,
                                                     "amount": form.amount.data, "note": (form.note.data or "").strip()},
                                        current_user.username)
            except services.CaseError as exc:
                errors = exc.problems
            else:
                db.session.commit()
                flash(_("已记账"), "success")
                return redirect(url_for("delegation.dues", enterprise_id=enterprise.id))
        status = 422
    rows, balance = services.ledger(enterprise.id)
    return render_template("delegation/dues.html", enterprise=enterprise, rows=rows, balance=balance, form=form,
                           errors=errors, can_edit=_works()), status


# Acting on behalf of a federation below ------------------------------------------------------------

@bp.route("/act")
@login_required
def act_below():
    require(current_user.is_admin and not current_user.is_acting)
    with registry_connection() as conn:
        below = registry.subtree(conn, current_tenant, include_root=False)
    return render_template("delegation/act.html", below=below)


@bp.route("/act/<int:tenant_id>", methods=["POST"])
@login_required
def start_acting(tenant_id):
    require(current_user.is_admin and not current_user.is_acting)
    with registry_connection() as conn:
        target = registry.get_by_id(conn, tenant_id)
    if target is None or not target.is_active or target.id == current_tenant.id or not registry.is_within(target, current_tenant):
        abort(404)
    acting.start(current_user, current_tenant, target, current_user.get_id())
    flash(_("您正在代 %(name)s 办理，所做修改都会标注“由 %(home)s 代办”", name=target.name, home=current_tenant.name), "info")
    return redirect(url_for("home.index", slug=target.slug))


@bp.route("/act/stop", methods=["POST"])
def stop_acting():
    home_id = (acting.session.get(acting.SESSION_KEY) or {}).get("home_id")
    acting.stop()
    with registry_connection() as conn:
        home = registry.get_by_id(conn, home_id) if home_id else None
    return redirect(url_for("home.index", slug=home.slug) if home else url_for("home.root"))
