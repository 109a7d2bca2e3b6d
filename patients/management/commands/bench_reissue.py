"""Benchmark re-issuing a clinic's current handouts after a branding change, with one task
worker and with two, in a throw-away PostgreSQL database (issue 23 §4)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings, setup_test_environment

from hipclinic.models import BackgroundJob, Clinic, JobStatus
from patients import handouts
from patients.management.commands.bench_handouts import seed
from patients.models import Handout, Patient, Prescription, PrescriptionStatus, Reissue
from patients.tasks import start_reissuing

ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = (
        "Measure how long re-issuing every current handout of a clinic (a branding change) "
        "takes with one `db_worker` and with two, in a throw-away PostgreSQL database, and "
        "check each handout was issued again exactly once. Prints a table, then one JSON line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--handouts", type=int, default=1000, help="Current handouts.")
        parser.add_argument(
            "--workers", type=int, nargs="+", default=[1, 2], help="Worker counts to time."
        )

    def handle(self, *args, handouts: int, workers: list[int], **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "Needs PostgreSQL (DATABASE_URL=postgres://...): the workers are separate "
                "processes sharing the database, which SQLite's one writer would serialise."
            )
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        media = tempfile.mkdtemp(prefix="bench-reissue-")
        try:
            with override_settings(
                MEDIA_ROOT=media,
                TASKS={"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}},
                REISSUE_TASKS=max(workers),
            ):
                clinic, manager = seed_current_handouts(handouts)
                figures = {"reissue_handouts": handouts}
                for count in workers:
                    seconds = time_reissuing(clinic, manager, count, media, handouts)
                    figures[f"reissue_s_{count}_worker{'s' if count > 1 else ''}"] = seconds
                    figures[f"reissue_per_s_{count}"] = round(handouts / seconds, 1)
                    self.stdout.write(
                        f"{handouts} handouts re-issued by {count} worker(s): {seconds:.1f} s "
                        f"({handouts / seconds:.1f} a second)"
                    )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if len(workers) > 1:
            one, two = (figures.get(f"reissue_per_s_{n}") for n in (workers[0], workers[-1]))
            figures["reissue_speedup"] = round(two / one, 2)
        figures["cpu_count"] = os.cpu_count()
        self.stdout.write(json.dumps(figures, sort_keys=True))


def seed_current_handouts(count: int):
    """A clinic with ``count`` active programmes, each with one issued handout: one
    rendered for real, the others sharing its snapshot (each is rendered anew when
    re-issued, so the copies cost the benchmark nothing it measures)."""
    therapist, programmes = seed()
    template = programmes[5]
    first = handouts.issue_handout(template, therapist)
    clinic = template.patient.clinic
    patients = Patient.objects.bulk_create(
        Patient(clinic=clinic, chart_number=f"R-{n}", first_name="Robin", last_name=f"R{n}")
        for n in range(count - 1)
    )
    copies = Prescription.objects.bulk_create(
        Prescription(
            patient=patient,
            therapist=therapist,
            title=template.title,
            status=PrescriptionStatus.ACTIVE,
        )
        for patient in patients
    )
    Prescription.objects.filter(pk=template.pk).update(status=PrescriptionStatus.ACTIVE)
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Handout._meta.concrete_fields
        if f.attname not in {"id", "prescription_id", "patient_link_id"}
    }
    Handout.objects.bulk_create(Handout(**fields, prescription=copy) for copy in copies)
    return clinic, therapist


def worker_environment(media: str) -> dict:
    url = urlsplit(os.environ["DATABASE_URL"])
    database = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    return {
        **os.environ,
        "DATABASE_URL": database,
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": media,
    }


def time_reissuing(clinic, user, workers: int, media: str, expected: int) -> float:
    """Seconds from starting ``workers`` db_worker processes on a freshly queued job until
    the job is done (the workers' start-up included, as in production after a deploy)."""
    Clinic.objects.filter(pk=clinic.pk).update(name=f"Benchmark Physiotherapy {time.time_ns()}")
    job = start_reissuing(Clinic.objects.get(pk=clinic.pk), user)
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    start = time.perf_counter()
    processes = [
        subprocess.Popen(
            [*command, "--no-reload"],
            cwd=ROOT,
            env=worker_environment(media),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    errors = [process.communicate()[1].decode() for process in processes]
    seconds = time.perf_counter() - start
    job = BackgroundJob.objects.get(pk=job.pk)
    claims = Reissue.objects.filter(job=job)
    if (
        job.status != JobStatus.DONE
        or job.done != expected
        or claims.filter(handout__isnull=True).exists()
    ):
        raise CommandError(f"Re-issuing did not finish as expected: {job.summary}\n{errors}")
    return round(seconds, 1)
