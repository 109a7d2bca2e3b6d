"""Two real task workers share one re-issuing job (issue 23 §4): each current handout is
issued again exactly once, none twice and none skipped.

The workers are ``manage.py db_worker`` processes against the test database, so this
runs on PostgreSQL only: SQLite has one writer, and its test database lives in memory.
"""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from hipclinic.models import Clinic, JobStatus
from patients.handouts import issue_handout
from patients.models import Handout, PrescriptionStatus, Reissue
from patients.tasks import start_reissuing
from tests.factories import (
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

HANDOUTS = 40
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the workers are separate processes sharing the database "
        "(SQLite's test database is in memory, and SQLite has one writer anyway)",
    ),
]


def issued_programmes(clinic, therapist, count: int) -> list:
    """``count`` active programmes with one issued handout each: one rendered for real,
    the others holding a copy of its snapshot (re-issuing renders each of them anew)."""
    programmes = []
    for number in range(count):
        patient = PatientFactory(clinic=clinic, first_name=f"Patient {number}")
        programme = PrescriptionFactory(
            patient=patient, therapist=therapist, status=PrescriptionStatus.ACTIVE
        )
        PrescriptionItemFactory(prescription=programme)
        programmes.append(programme)
    first = issue_handout(programmes[0], therapist)
    for programme in programmes[1:]:
        HandoutFactory(prescription=programme, revision=1, snapshot=first.snapshot)
    return programmes


def worker_environment() -> dict:
    """The workers use the test database, its media folder and the database task queue."""
    url = urlsplit(os.environ["DATABASE_URL"])
    database = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    return {
        **os.environ,
        "DATABASE_URL": database,
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def test_two_workers_reissue_each_handout_exactly_once(settings, clinic, therapist, manager):
    programmes = issued_programmes(clinic, therapist, HANDOUTS)
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}
    settings.REISSUE_TASKS = 4
    Clinic.objects.filter(pk=clinic.pk).update(name="Northside Physio & Pilates")
    job = start_reissuing(clinic, manager)

    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    workers = [
        subprocess.Popen(
            [*command, "--no-reload"],
            cwd=ROOT,
            env=worker_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=600)[0].decode() for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (JobStatus.DONE, HANDOUTS, HANDOUTS)
    assert job.summary == f"{HANDOUTS} handouts re-rendered."
    revisions = Counter(Handout.objects.values_list("prescription_id", "revision"))
    expected = {(p.pk, revision): 1 for p in programmes for revision in (1, 2)}
    assert revisions == expected  # each issued again once: none twice, none skipped
    latest = Handout.objects.filter(revision=2)
    assert {h.snapshot["clinic"]["name"] for h in latest} == {"Northside Physio & Pilates"}
    claims = Reissue.objects.filter(job=job)
    assert claims.filter(finished_at__isnull=True).count() == 0
    assert sorted(claims.values_list("handout__revision", flat=True)) == [2] * HANDOUTS
    by_worker = Counter(claims.values_list("claimed_by", flat=True))
    assert len(by_worker) == 2, by_worker  # both workers took a share
    assert sum(by_worker.values()) == HANDOUTS
