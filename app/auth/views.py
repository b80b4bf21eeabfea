from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.extensions import db
from app.web import is_fragment_request, redirect_after_post, render_page_or_fragment
from tenants import current_tenant

from . import bp, rules, services
from .access import accounts_admin_required
from .forms import ConfirmForm, LoginForm, PasswordResetForm, UserCreateForm
from .models import User


def _safe_next(target: str | None) -> str:
    # Only back into this federation: never an open redirect, never another tenant.
    prefix = f"/t/{current_tenant.slug}/"
    if target and target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data)
        db.session.commit()  # failures and locks are kept even when the login is refused
        if result.user is not None:
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
