from __future__ import annotations

import time

import sqlalchemy as sa
from flask import jsonify, render_template, request
from flask_login import current_user, login_required

from app import clock
from app.checklist import services as checklist_services
from app.extensions import tenancy
from app.stations.access import my_station_ids
from app.web import render_page_or_fragment
from tenants import current_tenant, registry
from tenants.web import registry_connection

from . import bp


@bp.route("/")
def root():
    """Find a federation by name or slug, and go to its login."""
    query = request.args.get("q", "").strip()
    with tenancy.engines.shared.connect() as conn:
        found = registry.search(conn, query) if query else registry.search(conn, "", limit=50)
    return render_page_or_fragment("home/root.html", "home/_federation_results.html", query=query, federations=found)


@bp.route("/healthz")
def healthz():
    started = time.perf_counter()
    try:
        with tenancy.engines.shared.connect() as conn:
            conn.execute(sa.select(sa.literal(1)))
            tenants = conn.execute(sa.select(sa.func.count()).select_from(registry.tenants_table)).scalar_one()
    except Exception as exc:  # the probe reports, it does not raise
        return jsonify(status="error", database="unreachable", error=type(exc).__name__), 503
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return jsonify(status="ok", database="ok", backend=tenancy.engines.url.get_backend_name(), tenants=tenants, ms=elapsed)


@bp.route("/t/<slug>/")
@login_required
def index():
    with registry_connection() as conn:
        parent = registry.get_by_id(conn, current_tenant.parent_id) if current_tenant.parent_id else None
        below = registry.children(conn, current_tenant)
    station_ids = my_station_ids()
    todos = checklist_services.todo(station_ids, clock.today().year) if station_ids else []
    return render_template("home/index.html", parent=parent, children=below, user=current_user,
                           todos=todos, has_stations=bool(station_ids), year=clock.today().year)
