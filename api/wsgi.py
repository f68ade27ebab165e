"""The WSGI entry for production: `gunicorn -c config/gunicorn.conf.py api.wsgi:app`.

This is the one module that builds an app at import, on purpose: gunicorn imports it in
each worker after the fork (preload_app = False), so every worker builds its own engine
and connection pool and no database connection is ever shared across processes. The
settings come from the environment as for every command (RECONCILE_CONFIG,
RECONCILE_DATABASE_URL, RECONCILE_<SECTION>_<KEY>). The scheduler is not started here:
it runs as its own process, `reconcile scheduler` (docs/operations.md).
"""

from __future__ import annotations

from api import create_app

app = create_app()
