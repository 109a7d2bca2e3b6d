"""Patients' link tokens never reach a log: Django's, gunicorn's or the task worker's.

The tests read what the configured console handler writes (after its filter), the way
production runs it, while bad requests hit every patient URL.
"""

import io
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.compat import TASKS_LOGGER

from hipclinic.logging import RedactPatientTokens
from patients.links import create_link, token_for
from tests.factories import PatientFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def console():
    """What the root logger's console handler (settings.LOGGING) writes, as text."""
    (handler,) = [h for h in logging.root.handlers if h.name == "console"]
    stream = io.StringIO()
    original = handler.setStream(stream)
    yield stream
    handler.setStream(original)


@pytest.fixture
def token(db, clinic, therapist):
    return token_for(create_link(PatientFactory(clinic=clinic), therapist))


def test_bad_requests_to_every_patient_url_log_their_path_without_the_token(
    console, token, settings
):
    page = reverse("public:patient_page", args=[token])
    pdf = reverse("public:patient_handout", args=[token])
    unknown = reverse("public:patient_page", args=["x" * 43])
    strict = Client(enforce_csrf_checks=True)

    statuses = [
        strict.post(page, {"pain": "3"}).status_code,  # the probe's refused log post
        strict.post(pdf).status_code,
        Client().put(page).status_code,
        Client().post(pdf).status_code,
        Client().get(unknown).status_code,
        Client().get(pdf).status_code,  # a live link with no handout issued yet
    ]
    settings.PATIENT_LINK_RATE = "1/m"
    statuses += [Client().get(page).status_code, Client().get(pdf).status_code]

    log = console.getvalue()
    assert statuses == [403, 403, 405, 405, 404, 404, 429, 429]
    assert token not in log and "x" * 43 not in log
    assert "Forbidden (CSRF cookie not set.): /p/[token]/" in log
    assert "Method Not Allowed (PUT): /p/[token]/" in log
    assert "Method Not Allowed (POST): /p/[token]/handout.pdf" in log
    assert "Not Found: /p/[token]/" in log
    assert "Not Found: /p/[token]/handout.pdf" in log
    assert "Too Many Requests: /p/[token]/handout.pdf" in log


def test_runserver_request_lines_and_tracebacks_are_redacted(console, token):
    # The shapes runserver (django.server) and an unhandled error (django.request) log.
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /p/{token}/ HTTP/1.1", 200, 5)
    try:
        raise ValueError(f"no handout for /p/{token}/handout.pdf")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /p/%s/", token)

    log = console.getvalue()
    assert token not in log
    assert '"GET /p/[token]/ HTTP/1.1" 200 5' in log
    assert "ValueError: no handout for /p/[token]/handout.pdf" in log


@pytest.fixture
def task_worker_logging():
    """What `manage.py db_worker` does to logging first; its loggers' levels put back after."""
    from django_tasks_db.management.commands.db_worker import Command

    loggers = [logging.getLogger(name) for name in (TASKS_LOGGER, "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    Command().configure_logging(verbosity=1)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_every_handler_of_every_logger_carries_the_filter(task_worker_logging):
    loggers = [logging.root] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    unguarded = [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        if not isinstance(handler, logging.NullHandler)
        and not type(handler).__module__.startswith("_pytest")  # pytest's own capture
        and not any(isinstance(f, RedactPatientTokens) for f in handler.filters)
    ]
    assert unguarded == []
    # The worker added no handler of its own: its lines go through the root's console.
    assert not logging.getLogger("django_tasks_db").handlers
    assert not logging.getLogger(TASKS_LOGGER).handlers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_as_make_serve_runs_it_logs_no_token(tmp_path):
    port = free_port()
    token = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        # As `make serve` (plus gunicorn's debug lines, which print every request path);
        # its access log is on, through the same handler.
        server = subprocess.Popen(
            [
                Path(sys.executable).parent / "gunicorn",
                "hipclinic.wsgi",
                "--config",
                "hipclinic/gunicorn.conf.py",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "debug",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            status = post_when_up(f"http://127.0.0.1:{port}/p/{token}/")
        finally:
            server.terminate()
            server.wait(timeout=20)

    text = log_path.read_text()
    assert status == 403
    assert token not in text
    assert "DEBUG gunicorn.error: POST /p/[token]/" in text
    assert "INFO gunicorn.access: 127.0.0.1 - - [" in text
    assert '"POST /p/[token]/ HTTP/1.1" 403' in text  # the access log's line
    assert "Forbidden (CSRF cookie not set.): /p/[token]/" in text  # Django in the worker


def post_when_up(url: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=b"pain=3"), timeout=5)
            return 200
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
