"""Logging: patients' link tokens never reach a log.

One set-up for every process (the web app under runserver or gunicorn, gunicorn's own
master, and the task worker): a single console handler on the root logger, carrying
the token filter, and every other logger propagating to it without handlers of its
own. The filter sits on the handler, not on a logger, because a logger's filters do
not see records that propagate up from its children (``django.security.csrf`` logs
the path of a refused patient-log post). Nothing here imports Django, so gunicorn can
load it before the app.
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"/p/[^/\s\"'?#]+")
REDACTED = "/p/[token]"


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(REDACTED, text)


class RedactPatientTokens(logging.Filter):
    """Replace the token in any /p/<token>/ path of a log line (and its traceback).

    Django logs the path of every 4xx and 5xx answer (django.request), of a refused
    CSRF check (django.security.csrf), and runserver logs every request
    (django.server); a rate-limited or refused patient page would otherwise write a
    live token into the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/p/" in message:
            record.msg = redact(message)
            record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "/p/" in record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info and "/p/" in record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PasskeyRefusalInOneLine(logging.Filter):
    """django-otp-webauthn logs every passkey it refuses (a wrong signature, another
    site's origin) at ERROR with a traceback. That is a user's failed sign-in, which
    hipclinic counts and audits as such, not a fault of the app: it becomes one WARNING
    line naming the reason (which holds no key material), e.g. "Passkey refused
    (InvalidAuthenticationResponse): Could not verify authentication signature".
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and type(error).__module__.startswith("webauthn."):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = f"Passkey refused ({type(error).__name__}): %s", (error,)
            record.exc_info = record.exc_text = None
        return True


def configuration(levels: dict[str, str | None]) -> dict:
    """A ``logging.config.dictConfig`` dictionary: the root's redacting console handler,
    and each logger named in ``levels`` at that level (None: the level it has), with no
    handler of its own.

    Naming a logger here also removes the handlers a library gave it (Django's default
    console and mail handlers, gunicorn's error-log handler), so nothing is written
    past the filter.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_tokens": {"()": "hipclinic.logging.RedactPatientTokens"},
            "passkey_refusals": {"()": "hipclinic.logging.PasskeyRefusalInOneLine"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"}
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["redact_tokens"],
                "formatter": "plain",
            },
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            # The logger django-otp-webauthn's OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME names.
            "django_otp_webauthn": {"handlers": [], "filters": ["passkey_refusals"]},
            **{
                name: {"handlers": [], "propagate": True, **({"level": level} if level else {})}
                for name, level in levels.items()
            },
        },
    }
