from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app import clock
from app.extensions import db
from app.forms import FIRST_DAY, LAST_DAY
from app.web import is_fragment_request, redirect_after_post, render_page_or_fragment
from tenants import current_tenant

from . import bp, rules, services
from .access import accounts_admin_required, admin_required
from .forms import ConfirmForm, LoginForm, PasswordResetForm, UserCreateForm
from .models import User


def _safe_next(target: str | None) -> str:
    # Only back into this federation: never an open redirect, never another tenant.
    prefix = f"/t/{current_tenant.slug}/"
    if target and target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return url_for("home.index")


def _renew_session() -> None:
    """A new session at login: nothing from before it (another user's marks, an acting session)
    carries over; only the language chosen stays."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data, address=request.remote_addr or "")
        db.session.commit()  # failures and locks are kept even when the login is refused
        if result.user is not None:
            _renew_session()
            login_user(result.user)
            return redirect(_safe_next(form.next.data))
        error = result.message
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    if ConfirmForm().validate_on_submit():
        logout_user()
        flash(_("已退出登录"), "info")
    return redirect(url_for("auth.login"))


def _user_list_context(create_form=None):
    users = db.session.scalars(db.select(User).order_by(User.username)).all()
    return {
        "users": users,
        "create_form": create_form or UserCreateForm(),
        "reset_form": PasswordResetForm(),
        "confirm_form": ConfirmForm(),
        "roles": rules.ROLES,
    }


@bp.route("/admin/users", methods=["GET", "POST"])
@accounts_admin_required
def users():
    form = UserCreateForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                user = services.create_user(
                    form.username.data, form.role.data, form.password.data,
                    actor=current_user.username, display_name=form.display_name.data or "",
                )
            except services.AccountError as exc:
                form.username.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("已创建用户 %(name)s", name=user.username), "success")
                return redirect_after_post(url_for("auth.users"))
        context = _user_list_context(form)
        return render_page_or_fragment("auth/users.html", "auth/_user_form.html", status=422, **context)
    return render_template("auth/users.html", **_user_list_context())


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@accounts_admin_required
def reset_password(user_id):
    user = _user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(user, form.password.data, actor=current_user.username)
        except services.AccountError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("已重置 %(name)s 的密码", name=user.username), "success")
    else:
        flash(_("请输入新密码"), "error")
    return redirect(url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@accounts_admin_required
def toggle_active(user_id):
    user = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_active(user, not user.is_active, actor=current_user.username)
        except services.AccountError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
    if is_fragment_request():
        return render_template("auth/_user_row.html", user=user, **_user_list_context())
    return redirect(url_for("auth.users"))


AUDIT_AREAS = {"": "全部", "user": "账号", "login": "登录", "station": "工作站", "enterprise": "企业", "checklist": "5+N",
               "expense": "经费", "grading": "考核", "case": "上代下", "dues": "分户账", "document": "发文", "meeting": "会议",
               "inspection": "检查考核", "flag": "标记", "settings": "设置", "budget": "预算"}
AUDIT_PAGE = 100
AUDIT_LAST_PAGE = 1_000_000  # ?page= beyond it asks for an offset the database cannot take; nothing is there anyway


@bp.route("/admin/audit")
@admin_required
def audit():
    """The federation's audit trail, filtered: who did what, when, for which federation."""
    from app.audit.models import AuditEvent

    area, actor = request.args.get("area", ""), request.args.get("actor", "").strip()
    subject, page = request.args.get("subject", "").strip(), min(max(1, request.args.get("page", 1, type=int)), AUDIT_LAST_PAGE)
    start, end = _date_arg("from"), _date_arg("to")
    query = db.select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if area in AUDIT_AREAS and area:
        query = query.where(AuditEvent.action.startswith(area, autoescape=True))
    if actor:
        query = query.where(AuditEvent.actor.contains(actor, autoescape=True))
    if subject:
        query = query.where(AuditEvent.subject.contains(subject, autoescape=True))
    if start:  # the dates are the reader's days, the stored times UTC
        query = query.where(AuditEvent.occurred_at >= clock.day_start_utc(start))
    if end:
        query = query.where(AuditEvent.occurred_at < clock.day_start_utc(end + dt.timedelta(days=1)))
    events = db.session.scalars(query.offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)).all()
    context = {"events": events[:AUDIT_PAGE], "has_more": len(events) > AUDIT_PAGE, "page_number": page, "areas": AUDIT_AREAS,
               "filters": {"area": area, "actor": actor, "subject": subject, "from": request.args.get("from", ""), "to": request.args.get("to", "")}}
    return render_page_or_fragment("auth/audit.html", "auth/_audit_table.html", **context)


def _date_arg(name: str):
    """A date filter, within the years a form accepts (the `to` filter adds a day: 9999-12-31 has none after it)."""
    try:
        day = dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return min(max(day, FIRST_DAY), LAST_DAY)
