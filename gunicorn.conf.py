"""gunicorn settings for `make serve`: 127.0.0.1:$PORT, $WEB_CONCURRENCY worker processes."""

import os
from pathlib import Path

import environ

# The same .env the settings read, for WEB_CONCURRENCY and GUNICORN_TIMEOUT.
environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
wsgi_app = "newsroom.wsgi:application"
# The application logs each request itself (newsroom.logs), as JSON; gunicorn's own log keeps
# start-up, worker and timeout messages.
accesslog = None
errorlog = "-"
# A worker busy longer than this is killed and replaced; the request gets a 502 from a proxy.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Several instances may run on one machine (one per port); gunicorn's control socket would
# have them all claim the same file.
control_socket_disable = True
# The application is loaded once, before the workers are forked: they share its code and
# read-only data (copy-on-write) instead of each loading its own, and a worker that replaces one
# starts at once. Database connections are opened lazily, in each worker, after the fork.
preload_app = True


def when_ready(server):
    # With the application loaded: what its first requests would load, loaded once for all
    # the workers (newsroom.wsgi.load_before_fork).
    from newsroom.wsgi import load_before_fork

    load_before_fork()


def pre_fork(server, worker):
    # What the master loaded is kept out of the workers' garbage collection, which would
    # otherwise touch (and so copy) every shared page of it: see gc.freeze.
    import gc

    gc.freeze()
