"""Settings for hipclinic.

Everything that differs between a laptop and production comes from environment
variables; the defaults are safe for local development only (SQLite under var/,
DEBUG on, a throwaway secret key).
"""

import datetime
import os
import tempfile
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import fontpkg_atkinson_hyperlegible
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from hipclinic.logging import configuration

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def webauthn_relying_party(site_url: str) -> tuple[str, list[str]]:
    """The passkeys' relying party ID and the origins allowed to use them, from SITE_URL.

    Browsers refuse an IP address as a relying party ID, so a loopback SITE_URL (the
    default http://127.0.0.1:8000 of `make run`) becomes localhost on the same port:
    passkeys then work at http://localhost:PORT/, which browsers treat as secure. Plain
    HTTP anywhere else is no secure context: browsers offer no passkeys there, and no
    origin is allowed.
    """
    parts = urlsplit(site_url)
    host = parts.hostname or "localhost"
    if host in {"127.0.0.1", "::1"}:
        host = "localhost"
    if parts.scheme != "https" and host != "localhost":
        return host, []
    port = f":{parts.port}" if parts.port else ""
    return host, [f"{parts.scheme}://{host}{port}"]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")

INSTALLED_APPS = [
    "hipclinic.apps.ClinicAdminConfig",  # django.contrib.admin, with hipclinic's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "adminsortable2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "axes",
    # Two-factor sign-in (issue 22): authenticator apps (TOTP) and recovery codes (static
    # tokens), through django-otp.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ... and passkeys (WebAuthn), whose credentials are django-otp devices too.
    "django_otp_webauthn",
    "simple_history",
    # Background tasks: the Django tasks API (built in from Django 6; the django-tasks
    # backport before) with the django-tasks-db database backend and its db_worker.
    *([] if find_spec("django.tasks") else ["django_tasks"]),
    "django_tasks_db",
    "hipclinic",
    "exercises",
    "patients",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from WhiteNoise, before sessions or a database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages in the reader's language: a staff user's choice, else their browser's.
    "hipclinic.middleware.page_language",
    # request.user.is_verified(): whether this session passed the second sign-in step.
    "django_otp.middleware.OTPMiddleware",
    # A signed-in user who owes the second step (or enrolment) reaches nothing else first.
    "hipclinic.two_factor.SecondStepRequired",
    # Every page needs a login unless its view says otherwise (only the login page does).
    # Django's LoginRequiredMiddleware, except that a form sent from an ended session is
    # answered with a sign-in page that keeps what was typed (hipclinic/unsaved_work.py).
    "hipclinic.unsaved_work.LoginRequiredKeepingWork",
    # Pages for a logged-in user are never stored by a browser or proxy (patient data).
    "hipclinic.middleware.staff_pages_not_stored",
    # A staff user's "today" and times are their clinic's (hipclinic.middleware).
    "hipclinic.middleware.clinic_time_zone",
    # The user's list of where they are signed in: "last seen" moves on every few minutes
    # (hipclinic/staff_sessions.py).
    "hipclinic.staff_sessions.note_last_seen",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets programme history (django-simple-history) record who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hipclinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hipclinic.context_processors.app_frame",
            ],
        },
    },
]

# Django's form renderer with the per-option widget templates written in Python (issue 23).
FORM_RENDERER = "hipclinic.form_renderer.FormRenderer"

WSGI_APPLICATION = "hipclinic.wsgi.application"

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get(
    "DATABASE_PREPARED_STATEMENTS", "1"
) not in ("0", "false", "False"):
    # Server-side binding lets psycopg prepare a query the fifth time a connection runs
    # it, so PostgreSQL plans it once per connection rather than on every request: the
    # planning of a page's joins cost more than running them (issue 23). A pooler in
    # transaction mode without prepared-statement support needs
    # DATABASE_PREPARED_STATEMENTS=0 (README, "Production").
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time; these make a write wait its turn instead of
    # failing with "database is locked" (README, "SQLite"). Write-ahead logging lets
    # pages read while someone writes. IMMEDIATE transactions take the write lock as
    # they begin: one that only asked for it at its first write, after reading, could
    # not wait for it and would fail. The timeout is how long a write waits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_SECONDS", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if DATABASES["default"]["NAME"] != ":memory:":
        # Tests use a file, not Django's default in-memory copy, so they lock and wait as
        # the real database does: one per test process, so two runs never share one.
        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"hipclinic-test-{os.getpid()}.sqlite3")
        }

AUTH_USER_MODEL = "hipclinic.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login for an account locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    # Permissions come from the role's group (hipclinic.auth).
    "django.contrib.auth.backends.ModelBackend",
]

# How many reverse proxies in front of the app append the address they saw to
# X-Forwarded-For (a TLS proxy: 1). None by default: the header is then ignored and a
# request's address is the connection's (hipclinic.access.client_ip, the one rule).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# account from one address, that account cannot log in from that address for
# LOGIN_LOCKOUT_MINUTES; every step is audited. The pair, not either alone: behind the
# clinic's one proxy address a guesser must not lock out colleagues, and nobody who
# knows a username can lock its owner out from somewhere else (README, "Production").
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "hipclinic/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "hipclinic.access.client_ip"
AXES_VERBOSE = False
# A second-step code is as secret as a password: never kept in axes' records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Two-factor sign-in (hipclinic/two_factor.py). Wrong codes are counted and locked out by
# django-axes, as wrong passwords are: one counter, so django-otp's own throttle is off.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "hipclinic")
# The device admin pages never show a key or a recovery code (hipclinic/device_admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (django-otp-webauthn, hipclinic/passkeys.py): scoped to SITE_URL's host, a
# second factor only (never a sign-in without the password), named for browsers' prompts.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_HELPER_CLASS = "hipclinic.passkeys.PasskeyHelper"
# Platform admins always need a second factor when DEBUG is off; this asks it of them with
# DEBUG on too (a clinic asks it of its staff with its own setting).
TWO_FACTOR_FOR_PLATFORM_ADMINS = not DEBUG or env_bool("TWO_FACTOR_FOR_PLATFORM_ADMINS", False)

# Argon2 for new and changed passwords; older hashes still check and are upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is written in UK spelling throughout ("programme", "colour"); Spanish is the
# second language. A language added here needs its message file (locale/), its date
# formats (hipclinic/formats/), its dose sentence and its library texts (see the README).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats per language (hipclinic/formats/): "23 November 2026".
FORMAT_MODULE_PATH = ["hipclinic.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The handout's typeface, from its PyPI package (never committed, never a CDN).
    ("fonts/atkinson-hyperlegible", fontpkg_atkinson_hyperlegible.ROOT / "files"),
    # The app's CSS and JavaScript packages, installed by `npm ci` from package-lock.json.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up without it
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "patients:today"
LOGOUT_REDIRECT_URL = "login"

# Password reset by email (hipclinic/passwords.py): a link lasts this long and works once;
# so many requests per address typed, and so many mails per account.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_MINUTES", "60")) * 60
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "3/h")

# Patients' private links: where they point, how long they last, and the key that makes
# their tokens (defaults to one derived from SECRET_KEY; changing it retires every link).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Passkeys belong to SITE_URL's host, and only a page from SITE_URL may use them.
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS = webauthn_relying_party(SITE_URL)
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:
    # A plain-HTTP SITE_URL on the network (a try-out on a phone): no passkeys, and no
    # error from django-otp-webauthn's check that an origin is set.
    SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
PATIENT_LINK_DAYS = int(os.environ.get("PATIENT_LINK_DAYS", "90"))
# No link opens for longer than this from the day it is made or extended (patients.links).
PATIENT_LINK_MAX_DAYS = int(os.environ.get("PATIENT_LINK_MAX_DAYS", "365"))
if not 1 <= PATIENT_LINK_DAYS <= PATIENT_LINK_MAX_DAYS:
    # Otherwise every new link, and so every first handout, would be refused at run time.
    raise ImproperlyConfigured(
        f"PATIENT_LINK_DAYS ({PATIENT_LINK_DAYS}) must be from 1 to PATIENT_LINK_MAX_DAYS "
        f"({PATIENT_LINK_MAX_DAYS})."
    )
PATIENT_LINK_KEY = os.environ.get("PATIENT_LINK_KEY", "")
# How often one link, or one address, may open pages or post logs (django-ratelimit).
PATIENT_LINK_RATE = os.environ.get("PATIENT_LINK_RATE", "60/m")
PATIENT_IP_RATE = os.environ.get("PATIENT_IP_RATE", "120/m")
# Issue 23 §3: the pictures on a patient's page count apart from the page (several a view),
# and the page's exercise list is cached per issued version (and language) this long.
PATIENT_PICTURE_RATE = os.environ.get("PATIENT_PICTURE_RATE", "600/m")
PATIENT_EXERCISES_CACHE_SECONDS = 24 * 3600

# Email: printed to the console in development; SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hipclinic <no-reply@localhost>")

# One redacting console handler on the root logger; every logger propagates to it
# (hipclinic.logging; gunicorn's log uses the same through hipclinic/gunicorn.conf.py).
LOGGING = configuration({"django": "INFO", "django.server": "INFO"})

# The cache holds rate-limit counters (and, with Redis, sessions); every app server must
# share it in production: set REDIS_URL. Local memory is for one development process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hipclinic",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hipclinic",
        }
    }

# Background tasks are stored in the database and run by `manage.py db_worker` (make run
# and make serve start one). TASKS_BACKEND=immediate runs them inside the request
# instead, for a set-up with no worker; the tests do that.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": (
        "django.tasks.backends.immediate.ImmediateBackend"
        if find_spec("django.tasks")
        else "django_tasks.backends.immediate.ImmediateBackend"
    ),
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[os.environ.get("TASKS_BACKEND", "database")]}}
# A branding change's re-issuing is queued this many times, so up to as many workers share
# it (each claims handouts one at a time; patients.tasks.rebrand_handouts).
REISSUE_TASKS = int(os.environ.get("REISSUE_TASKS", "4"))
# A worker that has held one handout this long has died or hung (a render takes about a
# second): another takes it again, and a watch task looks this often for such handouts.
REISSUE_CLAIM_SECONDS = int(os.environ.get("REISSUE_CLAIM_SECONDS", "600"))

# Issued handouts and uploads go through Django's default storage: the local MEDIA_ROOT,
# or with STORAGE_BACKEND=s3 any S3-compatible bucket through django-storages
# (pip install "django-storages[s3]"; settings below). No app server keeps files of its
# own that another needs once storage is shared.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_storage(environ) -> dict:
    """The default storage on an S3-compatible bucket, from AWS_* variables (the README's
    "S3 storage"); the tests build theirs with it against SeaweedFS."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # private objects; served only through our views
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


if os.environ.get("STORAGE_BACKEND", "local") == "s3":
    STORAGES["default"] = s3_storage(os.environ)

# Uploaded illustrations are small; refuse anything large before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Staff sessions end after this long without a request (every request renews it).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form from our own page with a token older than the last sign-in keeps its work
# (hipclinic/unsaved_work.py); every other CSRF failure gets Django's 403.
CSRF_FAILURE_VIEW = "hipclinic.unsaved_work.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: our own files only, no inline scripts or styles anywhere.
# Pictures may be data: URLs: the authenticator app's QR code at enrolment is one, so the
# key never leaves the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    if TRUSTED_PROXY_COUNT:
        # Behind a TLS-terminating proxy that sets X-Forwarded-Proto. Without one the
        # header is only a client's word, like X-Forwarded-For.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    # Hashed, compressed static files, collected by `make serve` and served by WhiteNoise.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
