"""Logging filters: patients' link tokens never reach a log."""

import logging
import re

TOKEN_IN_PATH = re.compile(r"/p/[^/\s\"']+")


class RedactPatientTokens(logging.Filter):
    """Replace the token in any /p/<token>/ path of a log line with a fixed mark.

    Django logs the path of every 4xx and 5xx answer (django.request) and runserver
    logs every request (django.server); a rate-limited patient page would otherwise
    write a live token into the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/p/" in message:
            record.msg = TOKEN_IN_PATH.sub("/p/[token]", message)
            record.args = ()
        return True
