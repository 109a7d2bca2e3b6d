"""The set-up path a new user runs (`make setup` / `make run`) and the demo data it creates."""

import http.cookiejar
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hipclinic.models import Clinic, User
from patients.demo import DEMO_PASSWORD
from patients.models import Patient, Prescription

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development_settings(settings):
    """Demo data is for development; the test runner turns DEBUG off, so turn it back on."""
    settings.DEBUG = True


def bootstrap() -> str:
    """What `make setup` runs, through the same management command."""
    out = io.StringIO()
    call_command("bootstrap", verbosity=0, stdout=out)
    return out.getvalue()


def row_counts():
    return {
        model.__name__: model.objects.count() for model in (Clinic, User, Patient, Prescription)
    }


def test_bootstrap_twice_duplicates_nothing_and_keeps_edits():
    bootstrap()
    patient = Patient.objects.get(chart_number="N-1001")
    patient.notes = "Prefers morning appointments."
    patient.save()
    before = row_counts()

    bootstrap()

    assert row_counts() == before
    assert Patient.objects.get(chart_number="N-1001").notes == "Prefers morning appointments."


def test_demo_has_two_clinics_each_with_manager_therapist_and_programmes():
    bootstrap()

    assert Clinic.objects.count() == 2
    for clinic in Clinic.objects.all():
        roles = set(clinic.staff.values_list("role", flat=True))
        assert roles == {"manager", "therapist"}
        assert clinic.patients.count() >= 3
        programmes = Prescription.objects.filter(patient__clinic=clinic)
        assert programmes.count() >= 2
        assert all(p.items.exists() for p in programmes)


def test_demo_therapist_logs_into_the_admin_and_sees_only_their_clinic(client):
    bootstrap()

    response = client.post(
        "/login/?next=/admin/",
        {"username": "northside-therapist", "password": DEMO_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"].username == "northside-therapist"

    patients = client.get("/admin/patients/patient/")
    assert patients.status_code == 200
    assert "Okafor" in patients.content.decode()
    assert "Fernandez" not in patients.content.decode()


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert not Clinic.objects.exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_make(target: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_setup_then_served_admin_accepts_demo_therapist(tmp_path):
    """Runs the Makefile itself on a fresh SQLite file, twice, then serves and logs in."""
    database = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "VENV": str(Path(sys.prefix))}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    first = run_make("setup", env)
    assert first.returncode == 0, first.stderr
    assert "northside-therapist" in first.stdout
    assert DEMO_PASSWORD in first.stdout

    started = time.monotonic()
    second = run_make("setup", env)
    print(f"second `make setup` took {time.monotonic() - started:.1f} s")
    assert second.returncode == 0, second.stderr
    assert "Library is up to date: nothing changed." in second.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_url = f"http://127.0.0.1:{port}/login/?next=/admin/"
        for _ in range(100):
            try:
                page = opener.open(login_url, timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the development server did not start")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "northside-therapist",
                "password": DEMO_PASSWORD,
                "next": "/admin/",
            }
        ).encode()
        request = urllib.request.Request(login_url, data=form, headers={"Referer": login_url})
        admin_index = opener.open(request, timeout=10)
        body = admin_index.read().decode()
        assert admin_index.geturl().endswith("/admin/")
        assert "Patients" in body
        assert "Log out" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def pinned_names(path: Path) -> set[str]:
    return {
        line.split("==")[0].lower()
        for line in path.read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }


def test_serving_installs_no_test_or_benchmark_tools():
    """`make run` installs requirements.txt only; the tools of tests and benchmarks are
    pinned apart in requirements-dev.txt, which `make test` adds."""
    serving = pinned_names(ROOT / "requirements.txt")
    development = pinned_names(ROOT / "requirements-dev.txt")
    test_only = {"pytest", "pytest-django", "playwright", "locust", "hypothesis", "ruff"}

    assert not serving & test_only
    assert test_only <= development
    assert {"django", "weasyprint", "django-crispy-forms", "gunicorn"} <= serving
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text()
