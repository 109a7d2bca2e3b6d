"""gunicorn's settings for `make serve`: its own log goes through the app's logging set-up.

gunicorn configures logging in its master before any worker loads Django; without
this, its error log has a handler of its own that no token filter guards. Access
logs stay off (the default); if one is turned on it goes through the same filter.
"""

from hipclinic.logging import configuration

# Levels stay gunicorn's own (--log-level); only the handlers change.
logconfig_dict = configuration({"gunicorn.error": None, "gunicorn.access": None})
