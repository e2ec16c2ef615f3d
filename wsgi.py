"""WSGI entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

import gc

from trainhub import create_app

app = create_app()

# Load the catalog now, not on the first request. Then take everything loaded so far (the
# modules, the app, the catalog: some 130,000 objects) out of the garbage collector's sight:
# they live as long as the worker, and every full collection walked them all, pausing the
# request that triggered it for up to 90 ms (a sixth of team-dashboard views at 1,000 hires).
# A request allocates tens of thousands of short-lived objects that reference counting frees;
# a higher first threshold keeps the collector from running dozens of times per request.
app.extensions["trainhub.catalog"].get()
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 10, 10)
