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
        "filters": {"redact_tokens": {"()": "hipclinic.logging.RedactPatientTokens"}},
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
            name: {"handlers": [], "propagate": True, **({"level": level} if level else {})}
            for name, level in levels.items()
        },
    }
