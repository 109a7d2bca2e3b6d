"""gunicorn's settings for `make serve`: its own log goes through the app's logging set-up.

gunicorn configures logging in its master before any worker loads Django; without
this, its error log has a handler of its own that no token filter guards. Its access
log is on (gunicorn turns it on with a logging dictionary) and goes through the same
filter: a line per request, a patient's token as `[token]`.
"""

import os

from hipclinic.logging import configuration

# Levels stay gunicorn's own (--log-level); only the handlers change.
logconfig_dict = configuration({"gunicorn.error": None, "gunicorn.access": None})

# Threads in each worker process: a request that waits (for PostgreSQL, storage or the
# cache) lets another run, and a quick page is not queued behind a slow one (a handout
# being rendered). With the load test's mix on 2 cores, 4 threads served 24% more
# requests than 1 and halved the patient page's median (issue 23). Each thread keeps
# its own database connection (workers x threads in all).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
