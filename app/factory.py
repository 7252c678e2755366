"""The composition root: the only module that knows every feature.

``create_app`` reads like a table of contents and does no I/O: no database access, no network.
"""

from __future__ import annotations

from flask import Flask

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    config_class.check()
    app = Flask(__name__, instance_path=config_class.INSTANCE_DIR)
    app.config.from_object(config_class)
    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import i18n, unit_of_work
    from app.audit import listener
    from app.auth import login
    from app.db import render_migration_item
    from app.extensions import bootstrap, csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True,
                     compare_type=True, render_item=render_migration_item)
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    login.init_app(app)
    unit_of_work.init_app(app)
    listener.install()
    _import_models()


def _import_models() -> None:
    """Every model module, so that metadata (and Alembic) sees the whole schema."""
    import app.audit.models  # noqa: F401
    import app.auth.models  # noqa: F401
    import app.regions.models  # noqa: F401
    import app.users.models  # noqa: F401
    import contracts.models  # noqa: F401
    import evaluations.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    import contracts
    import evaluations
    import reports
    from app import audit, auth, main, regions, users

    for module in (main, auth, users, regions, audit, contracts, evaluations, reports):
        app.register_blueprint(module.bp)


def register_api(app: Flask) -> None:
    from app.api import api
    from app.api.views import blp as core_blp
    from app.extensions import csrf
    from app.regions.api import blp as regions_blp
    from contracts.api import blp as contracts_blp
    from evaluations.api import blp as evaluations_blp

    api.init_app(app)
    for blp in (core_blp, regions_blp, contracts_blp, evaluations_blp):
        csrf.exempt(blp)  # bearer tokens, never cookies: no CSRF to forge
        api.register_blueprint(blp)


def register_errorhandlers(app: Flask) -> None:
    from app import error_pages

    error_pages.init_app(app)


def register_commands(app: Flask) -> None:
    from app.demo.cli import demo_cli
    from app.users.cli import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)


def register_template_helpers(app: Flask) -> None:
    from app import template_helpers

    template_helpers.init_app(app)
