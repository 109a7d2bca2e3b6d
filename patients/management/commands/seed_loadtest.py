"""Fill an empty database with a load-test data set (make loadtest).

Two clinics, 50 therapists, 5,000 patients with a live link each, 10,000 active
programmes of four library exercises, and 20,000 issued handouts. Rows are written in
bulk; each clinic's handout PDF is rendered once for real and shared by its
handouts, whose snapshots are each patient's own. The patients' link tokens are
written to a file for the load generator (a throw-away database: never run this
against real records).
"""

import datetime
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from exercises.models import Exercise
from hipclinic.models import Clinic, Role, User
from patients.handouts import initials, render_handout
from patients.links import hash_token, link_url, token_for
from patients.models import (
    Handout,
    Patient,
    PatientLink,
    Prescription,
    PrescriptionItem,
    PrescriptionStatus,
)

PASSWORD = "load-test-only"
CLINICS = 2
THERAPISTS = 50
PATIENTS = 5_000
PROGRAMMES_PER_PATIENT = 2
HANDOUTS_PER_PROGRAMME = 2
EXERCISES_PER_PROGRAMME = 4


class Command(BaseCommand):
    help = "Seed an empty database with the load-test data set and write the link tokens."

    def add_arguments(self, parser):
        parser.add_argument("--tokens", default=str(settings.VAR_DIR / "loadtest" / "tokens.txt"))

    def handle(self, *args, **options):
        if Patient.objects.exists():
            raise CommandError("This database already has patients: seed an empty one.")
        call_command("load_library", verbosity=0)
        exercises = list(Exercise.objects.filter(clinic=None).order_by("slug"))
        if len(exercises) < EXERCISES_PER_PROGRAMME:
            raise CommandError("The exercise library did not load.")
        started = timezone.now()
        with transaction.atomic():
            tokens = self.seed(exercises[:EXERCISES_PER_PROGRAMME])
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum keeps them on a live database: without
            # them the planner scans whole tables for a patient's latest handout.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        path = Path(options["tokens"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(tokens) + "\n")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"Seeded {Clinic.objects.count()} clinics, {User.objects.count()} staff, "
            f"{Patient.objects.count()} patients, {Prescription.objects.count()} programmes, "
            f"{Handout.objects.count()} handouts in {seconds:.0f} s; tokens in {path}."
        )

    def seed(self, exercises: list[Exercise]) -> list[str]:
        password = make_password(PASSWORD)
        clinics = [
            Clinic.objects.create(name=f"Load Clinic {n}", slug=f"load-{n}")
            for n in range(1, CLINICS + 1)
        ]
        therapists = User.objects.bulk_create(
            User(
                username=f"load-therapist-{n}",
                password=password,
                clinic=clinics[n % CLINICS],
                role=Role.THERAPIST,
                is_staff=True,
                display_name=f"Therapist {n}",
            )
            for n in range(THERAPISTS)
        )
        patients = Patient.objects.bulk_create(
            Patient(
                clinic=clinics[n % CLINICS],
                chart_number=f"L-{n:05d}",
                first_name=f"Pat{n}",
                last_name=f"Load{n}",
                date_of_birth=datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                primary_therapist=therapists[n % THERAPISTS],
            )
            for n in range(PATIENTS)
        )
        therapist_of = {patient.pk: patient.primary_therapist for patient in patients}
        programmes = Prescription.objects.bulk_create(
            Prescription(
                patient=patient,
                therapist=therapist_of[patient.pk],
                title=f"Hip programme {k + 1}",
                status=PrescriptionStatus.ACTIVE,
                start_date=timezone.localdate(),
                review_date=timezone.localdate() + datetime.timedelta(weeks=6),
            )
            for patient in patients
            for k in range(PROGRAMMES_PER_PATIENT)
        )
        PrescriptionItem.objects.bulk_create(
            (
                PrescriptionItem(
                    prescription=programme,
                    exercise=exercise,
                    order=order,
                    **{field: getattr(exercise, field) for field in Exercise.DOSE_FIELDS},
                )
                for programme in programmes
                for order, exercise in enumerate(exercises)
            ),
            batch_size=5_000,
        )
        links, tokens = [], []
        expires = timezone.now() + datetime.timedelta(days=90)
        for patient in patients:
            link = PatientLink(
                patient=patient,
                created_by=therapist_of[patient.pk],
                token_seed=secrets.token_hex(32),
                expires_at=expires,
            )
            token = token_for(link)
            link.token_hash = hash_token(token)
            links.append(link)
            tokens.append(token)
        PatientLink.objects.bulk_create(links, batch_size=5_000)

        # One real PDF per clinic, rendered from its first programme; each handout row
        # keeps its own patient's snapshot.
        pdf_of = {}
        for n in range(CLINICS):  # patient n belongs to clinic n
            programme, link = programmes[n * PROGRAMMES_PER_PATIENT], links[n]
            rendered = render_handout(programme, revision=1, patient_url=link_url(link))
            name = default_storage.save(
                f"loadtest/{programme.patient.clinic_id}.pdf", ContentFile(rendered.pdf)
            )
            pdf_of[programme.patient.clinic_id] = (
                name,
                hashlib.sha256(rendered.pdf).hexdigest(),
                rendered.page_count,
                rendered.snapshot,
            )
        handouts = []
        for programme in programmes:
            patient = programme.patient
            name, sha256, pages, template = pdf_of[patient.clinic_id]
            for revision in range(1, HANDOUTS_PER_PROGRAMME + 1):
                snapshot = {
                    **template,
                    "revision": revision,
                    "title": programme.title,
                    "patient": {
                        "name": f"{patient.first_name} {patient.last_name}",
                        "initials": initials(patient.first_name, patient.last_name),
                        "date_of_birth": patient.date_of_birth.isoformat(),
                    },
                }
                handouts.append(
                    Handout(
                        prescription=programme,
                        revision=revision,
                        pdf=name,
                        sha256=sha256,
                        page_count=pages,
                        snapshot=snapshot,
                        issued_by=programme.therapist,
                    )
                )
        Handout.objects.bulk_create(handouts, batch_size=5_000)
        return tokens
