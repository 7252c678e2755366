"""gunicorn's settings, read from the working directory by every ``gunicorn`` started here
(``make run``, the Procfile, the production units): each worker compiles the templates and
loads the catalogs before its first request (:mod:`app.warmup`)."""


def post_worker_init(worker):
    from app.warmup import warm_up

    warm_up(worker.wsgi)
