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
    if not tenant or schema != tenant.schema_name or not user_id.isdigit():
        return None  # a cookie from another federation is anonymous here
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
