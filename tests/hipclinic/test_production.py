"""Production readiness: deploy checks, security headers, the health check, sessions."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from hipclinic import settings as project_settings
from patients.links import create_link, link_path
from tests.factories import PatientFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def deploy_check(tmp_path, **settings) -> subprocess.CompletedProcess:
    """``manage.py check --deploy`` as production runs it: DEBUG off, a real key, hosts."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "clinic.example",
        "SITE_URL": "https://clinic.example",
        "STATIC_ROOT": str(tmp_path / "static"),
        **settings,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_deploy_check_is_clean_with_debug_off(tmp_path):
    # Named, not reached: a check connects to nothing.
    result = deploy_check(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_warns_of_rate_limits_counted_per_process_without_redis(tmp_path):
    result = deploy_check(tmp_path, REDIS_URL="")

    assert result.returncode != 0
    assert "hipclinic.W002" in result.stderr
    assert "each app process counts rate limits on its own" in result.stderr


SIGN_IN_OVER = """
import django
django.setup()
from django.test import Client
print(Client().get("/ping", headers={"X-Forwarded-Proto": "https"}).status_code)
"""


@pytest.mark.parametrize(("proxies", "status"), [("0", "301"), ("1", "200")])
def test_a_forwarded_https_header_counts_only_behind_a_trusted_proxy(tmp_path, proxies, status):
    """Without a proxy, a client's own X-Forwarded-Proto does not make plain HTTP secure:
    a page still redirects to HTTPS."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "hipclinic.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "TRUSTED_PROXY_COUNT": proxies,
    }
    result = subprocess.run(
        [sys.executable, "-c", SIGN_IN_OVER], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.split() == [status], result.stderr


def test_a_default_link_length_past_the_maximum_stops_the_server_at_start():
    env = {**os.environ, "PATIENT_LINK_DAYS": "400", "PATIENT_LINK_MAX_DAYS": "365"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "PATIENT_LINK_DAYS (400) must be from 1 to PATIENT_LINK_MAX_DAYS (365)." in (
        result.stderr
    )


@pytest.fixture
def patient_page(clinic, therapist):
    return link_path(create_link(PatientFactory(clinic=clinic), therapist))


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("anonymous", "/login/"),
        ("anonymous", "/p/not-a-real-token-at-all-xxxxxxxx/"),
        ("anonymous", "patient_page"),
        ("therapist", "/"),
        ("therapist", "/patients/"),
        ("therapist", "/library/"),
        ("therapist", "/protocols/"),
        ("therapist", "/patients/999999/"),
        ("manager", "/admin/"),
        ("manager", "/admin/patients/patient/"),
    ],
)
def test_every_html_answer_carries_the_content_security_policy(
    client, request, patient_page, who, url
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(patient_page if url == "patient_page" else url)

    assert response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health_check_answers_without_a_login_and_without_data(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_says_unavailable_when_storage_fails(client, monkeypatch):
    from django.core.files.storage import default_storage

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_staff_sessions_expire_after_30_idle_minutes_and_each_request_renews(client, therapist):
    client.force_login(therapist)

    first = client.get(reverse("patients:today"))
    second = client.get(reverse("patients:today"))

    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    for response in (first, second):
        cookie = response.cookies["sessionid"]
        assert cookie["max-age"] == 1800
        assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    assert make_password("correct horse battery staple").startswith("argon2$")
