"""Jiceng (基层): the application factory. Wiring only."""
from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, g, make_response, render_template

from . import config as config_module
from . import i18n, security, web
from .extensions import babel, csrf, db, htmx, login_manager, tenancy


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_environment(Path(app.instance_path), overrides=config or {}))
    logging.basicConfig(level=os.environ.get("JICENG_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # each migration step is not news
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(i18n.compile_catalogues(Path(app.instance_path) / "translations"))
    )
    db.init_app(app)
    tenancy.init_app(app, db)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    htmx.init_app(app)

    app.url_map.converters["int"] = web.BoundedIntegerConverter  # before any route is added
    _register_models()
    _register_blueprints(app)
    _register_errors(app)
    _register_cli(app)
    _register_templates(app)
    _register_provision_hooks()
    security.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not app.config.get("TESTING"):
        with app.app_context():
            from tenants.cli import ensure_shared_schema

            ensure_shared_schema()  # the embedded default is created on first use
    # What start-up created lives as long as the process: keep the collector from walking it on
    # every full collection (those took 70–95 ms every ~80 requests; bench/grid.py).
    gc.freeze()
    return app


def _register_models() -> None:
    from .audit import models as _audit  # noqa: F401
    from .auth import models as _auth  # noqa: F401
    from .checklist import models as _checklist  # noqa: F401
    from .grading import models as _grading  # noqa: F401
    from .summaries import models as _summaries  # noqa: F401
    from .delegation import models as _delegation  # noqa: F401
    from .delegation import services as _delegation_counts  # noqa: F401
    from .reduction import summary as _reduction_summary  # noqa: F401
    from .checklist import summary as _checklist_counts  # noqa: F401
    from .grading import summary as _grading_counts  # noqa: F401
    from .reduction import models as _reduction  # noqa: F401
    from .stations import models as _stations  # noqa: F401


def _register_provision_hooks() -> None:
    from . import backups
    from .auth.services import create_first_admin
    from .summaries import counts

    if create_first_admin not in tenancy.provision_hooks:
        tenancy.on_provision(create_first_admin)
    if backups.export_files not in tenancy.export_hooks:
        tenancy.export_hooks.append(backups.export_files)
        tenancy.import_hooks.append(backups.after_import)
    if counts.subtract_from_ancestors not in tenancy.drop_hooks:
        tenancy.drop_hooks.append(counts.subtract_from_ancestors)


def _register_blueprints(app: Flask) -> None:
    from .auth import access as _access  # noqa: F401  (user loader)
    from .auth import bp as auth_bp
    from .home import bp as home_bp

    from .checklist import bp as checklist_bp
    from .dashboard import bp as dashboard_bp
    from .delegation import bp as delegation_bp
    from .grading import bp as grading_bp
    from .reduction import bp as reduction_bp
    from .stations import bp as stations_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(stations_bp)
    app.register_blueprint(checklist_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(delegation_bp)
    app.register_blueprint(grading_bp)
    app.register_blueprint(reduction_bp)


def _register_errors(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _error_page(code))
    for error in (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError):
        app.register_error_handler(error, _database_unavailable)


def _database_unavailable(error):
    """The database cannot be reached: say so in Chinese, quickly, touching nothing that needs it.
    The pool checks connections before use, so the app recovers by itself once it is back."""
    logging.getLogger(__name__).error("database unavailable: %s", error)
    try:
        db.session.remove()
    except Exception:  # the connection is gone; the session is discarded all the same
        pass
    response = make_response(render_template("errors/unavailable.html"), 503)
    response.headers["Retry-After"] = "30"
    return response


def _error_page(code: int):
    def handler(error):
        if code == 500:
            db.session.rollback()
        return render_template("errors/error.html", code=code, error=error), code

    return handler


def _register_cli(app: Flask) -> None:
    from tenants.cli import tenants_cli

    from .auth.cli import users_cli
    from .summaries.cli import summary_cli
    from .demo.cli import demo_command
    from .workdays.cli import calendar_cli

    app.cli.add_command(tenants_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(summary_cli)
    app.cli.add_command(calendar_cli)


def _register_templates(app: Flask) -> None:
    import json

    from flask_babel import get_locale, gettext

    from . import clock
    from .audit.labels import FIELD_LABELS
    from .auth import rules
    from .checklist.cells import cell_html
    from .checklist.rules import task_label
    from .delegation import rules as delegation_rules

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["task_label"] = task_label
    app.jinja_env.globals["cell_html"] = cell_html
    app.jinja_env.globals["field_label"] = lambda name: gettext(FIELD_LABELS.get(name, name))
    app.jinja_env.filters["localtime"] = clock.format_local
    app.jinja_env.filters["fromjson"] = lambda text: json.loads(text or "{}")
    app.jinja_env.filters["source_label"] = lambda code: delegation_rules.SOURCES.get(code, code)
    app.jinja_env.filters["event_label"] = lambda code: delegation_rules.EVENTS.get(code, code)

    @app.context_processor
    def inject():
        return {
            "tenant": g.get("tenant"),
            "federation_kinds": app.config["TENANT_KINDS"],
            "role_labels": rules.ROLES,
            "languages": app.config["LANGUAGES"],
        }
