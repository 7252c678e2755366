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
    app.config["SECRET_KEY"] = config_class.secret_key()
    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_jobs(app)
    register_tasks(app)
    register_security(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import i18n, outage, sqlite, statement_timeout, unit_of_work, validation
    from app.audit import listener
    from app.auth import login
    from app.db import include_in_migrations, render_migration_item
    from app.extensions import bootstrap, csrf, db, migrate

    outage.engine_options(app)
    db.init_app(app)
    sqlite.init_app()
    statement_timeout.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True,
                     compare_type=True, render_item=render_migration_item,
                     include_object=include_in_migrations)
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    login.init_app(app)
    unit_of_work.init_app(app)
    validation.init_app(app)
    listener.install()
    _import_models()


def _import_models() -> None:
    """Every model module, so that metadata (and Alembic) sees the whole schema."""
    import app.audit.models  # noqa: F401
    import app.auth.models  # noqa: F401
    import app.notifications.models  # noqa: F401
    import app.regions.models  # noqa: F401
    import app.scheduler.models  # noqa: F401
    import app.users.models  # noqa: F401
    import app.worker.models  # noqa: F401
    import contracts.documents.models  # noqa: F401
    import contracts.households.flags  # noqa: F401
    import contracts.households.models  # noqa: F401
    import contracts.models  # noqa: F401
    import contracts.red_flags.models  # noqa: F401
    import contracts.submissions.models  # noqa: F401
    import evaluations.actions.models  # noqa: F401
    import evaluations.assessment.models  # noqa: F401
    import evaluations.campaigns.models  # noqa: F401
    import evaluations.inspections.models  # noqa: F401
    import reports.appeals.models  # noqa: F401
    import reports.exports.models  # noqa: F401
    import reports.performance.figures  # noqa: F401
    import reports.performance.models  # noqa: F401
    import reports.scorecards.means  # noqa: F401
    import reports.scorecards.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    import contracts
    import evaluations
    import reports
    from app import audit, auth, health, main, notifications, regions, scheduler, users

    _import_views()
    for module in (health, main, auth, users, regions, audit, notifications, scheduler, contracts,
                   evaluations, reports):
        app.register_blueprint(module.bp)
    app.register_blueprint(users.account_bp)
    app.register_blueprint(reports.public.bp)


def _import_views() -> None:
    """Every module that adds routes, filters or context to a blueprint, before it is registered.

    A package defines its blueprint only; importing a model never drags in views.
    """
    import app.audit.views  # noqa: F401
    import app.auth.views  # noqa: F401
    import app.main.views  # noqa: F401
    import app.regions.views  # noqa: F401
    import app.users.account  # noqa: F401
    import app.users.views  # noqa: F401
    import contracts.documents.views  # noqa: F401
    import contracts.households.views  # noqa: F401
    import contracts.red_flags.views  # noqa: F401
    import contracts.submissions.views  # noqa: F401
    import contracts.views.cards  # noqa: F401
    import contracts.views.contracts  # noqa: F401
    import contracts.views.facilities  # noqa: F401
    import contracts.views.procurement  # noqa: F401
    import contracts.views.providers  # noqa: F401
    import contracts.web  # noqa: F401
    import evaluations.actions.views  # noqa: F401
    import evaluations.assessment.views  # noqa: F401
    import evaluations.campaigns.views  # noqa: F401
    import evaluations.inspections.field  # noqa: F401
    import evaluations.inspections.home  # noqa: F401
    import evaluations.inspections.views  # noqa: F401
    import reports.appeals.views  # noqa: F401
    import reports.dashboards.views  # noqa: F401
    import reports.exports.views  # noqa: F401
    import reports.performance.views  # noqa: F401
    import reports.planning.views  # noqa: F401
    import reports.public.views  # noqa: F401
    import reports.scorecards.views  # noqa: F401


def register_api(app: Flask) -> None:
    from app.api import api
    from app.api.reference import bp as reference_bp
    from app.api.views import blp as core_blp
    from app.extensions import csrf
    from app.regions.api import blp as regions_blp
    from contracts.api.contracts import blp as contracts_blp
    from contracts.api.purchasing import blp as purchasing_blp
    from contracts.documents.api import blp as documents_blp
    from contracts.households.api import blp as households_blp
    from contracts.submissions.api import blp as submissions_blp
    from evaluations.actions.api import blp as actions_blp
    from evaluations.assessment.api import blp as templates_blp
    from evaluations.campaigns.api import blp as campaigns_blp
    from evaluations.inspections.api import blp as inspections_blp
    from reports.appeals.api import blp as appeals_blp
    from reports.exports.api import blp as ocds_blp
    from reports.performance.api import blp as performance_blp
    from reports.planning.api import blp as planning_blp
    from reports.scorecards.api import blp as scorecards_blp

    api.init_app(app)
    app.register_blueprint(reference_bp)  # the interactive reference (an HTML page)
    for blp in (core_blp, regions_blp, purchasing_blp, contracts_blp, documents_blp,
                households_blp, submissions_blp, templates_blp, inspections_blp, actions_blp,
                campaigns_blp, scorecards_blp, performance_blp, ocds_blp, appeals_blp,
                planning_blp):
        csrf.exempt(blp)  # bearer tokens, never cookies: no CSRF to forge
        api.register_blueprint(blp)


def register_errorhandlers(app: Flask) -> None:
    from app import error_pages, outage

    error_pages.init_app(app)
    outage.init_app(app)


def register_commands(app: Flask) -> None:
    from app.demo.cli import demo_cli
    from app.scheduler.cli import scheduler_cli
    from app.users.cli import users_cli
    from app.worker.cli import worker_cli
    from contracts.cli import households_cli
    from evaluations.cli import inspections_cli, templates_cli
    from reports.cli import reports_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(templates_cli)
    app.cli.add_command(inspections_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(households_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(worker_cli)
    _import_seed_steps()


def _import_seed_steps() -> None:
    """The features' parts of the demo city (``flask demo seed``); their order is declared."""
    import contracts.households.seed  # noqa: F401
    import contracts.seed  # noqa: F401
    import contracts.submissions.seed  # noqa: F401
    import evaluations.seed  # noqa: F401


def register_template_helpers(app: Flask) -> None:
    from app import pages, template_helpers

    template_helpers.init_app(app)
    pages.init_app(app)


def register_jobs(app: Flask) -> None:
    """Import the modules whose ``register_job`` calls fill the scheduler's registry.

    Registering is bookkeeping only; nothing runs here. Jobs run in the one
    ``flask scheduler run`` process, never in a web worker.
    """
    import app.notifications.jobs  # noqa: F401
    import app.scheduler.jobs  # noqa: F401
    import contracts.jobs  # noqa: F401
    import evaluations.jobs  # noqa: F401
    import reports.jobs  # noqa: F401
    import reports.planning.jobs  # noqa: F401


def register_tasks(app: Flask) -> None:
    """Import the modules whose ``register_task`` calls declare the kinds of queued work.

    Bookkeeping only: tasks run in ``flask worker run`` processes, never in a web worker.
    """
    import contracts.households.queued  # noqa: F401
    import reports.scorecards.batch  # noqa: F401
def register_security(app: Flask) -> None:
    """Browser security headers, and the client's address believed only from trusted proxies."""
    from app import security_headers
    from app.proxies import TrustedProxyFix

    security_headers.init_app(app)
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["TRUSTED_PROXIES"])
