"""gunicorn's settings, read from the working directory by every ``gunicorn`` started here
(``make run``, the Procfile, the production units): each worker compiles the templates and
loads the catalogs before its first request (:mod:`app.warmup`)."""

import os

#: seconds a worker may spend on one request before gunicorn kills it (gunicorn's default,
#: said here because the bound below must stay under it)
timeout = 30

# Each statement of a web request is stopped by PostgreSQL a little before gunicorn would kill
# the worker, so the user gets a page saying so instead of the proxy's 502
# (app/statement_timeout.py). The scheduler and the worker processes are not bounded.
os.environ.setdefault("WEB_STATEMENT_TIMEOUT_SECONDS", "25")


def post_worker_init(worker):
    from app.warmup import warm_up

    warm_up(worker.wsgi)
