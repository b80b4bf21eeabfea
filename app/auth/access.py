"""Who is signed in, and what they may do. The session names the tenant as well as the user."""
from __future__ import annotations

import functools

from flask import abort, g, redirect, request, url_for
from flask_login import current_user, login_required

from app.extensions import db, login_manager
from tenants import current_tenant

from .models import User


@login_manager.user_loader
def load_user(session_user_id: str) -> User | None:
    schema, _, user_id = (session_user_id or "").partition(":")
    tenant = current_tenant
    if not tenant or not user_id.isdigit():
        return None
    if schema != tenant.schema_name:
        # A cookie from another federation is anonymous here, unless its user, from a federation
        # above this one, is acting on behalf here (上代下).
        from app.delegation import acting

        return acting.load(session_user_id, tenant)
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


@login_manager.unauthorized_handler
def unauthorized():
    if not g.get("tenant"):
        abort(404)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def admin_required(view):
    """Only the federation's administrators."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def accounts_admin_required(view):
    """The federation's own administrators: not someone acting on behalf from above."""

    @functools.wraps(view)
    @admin_required
    def wrapped(*args, **kwargs):
        if getattr(current_user, "is_acting", False):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
