"""Bulk work runs as background tasks (the Django tasks API) and reports on a job row
the admin shows: emailing links, issuing many handouts, re-rendering after a
branding change."""

import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image

from hipclinic.admin import ClinicAdmin
from hipclinic.models import BackgroundJob, Clinic, JobKind, JobStatus
from patients import handouts
from patients.models import PrescriptionStatus
from tests.factories import (
    ExerciseFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.hipclinic.test_clinic_branding import confirmation_form
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(
        clinic=clinic, first_name="Robin", condition="Hip osteoarthritis", email="robin@example.com"
    )


@pytest.fixture
def queued_in_database(settings):
    """Tasks wait in the database until a worker runs them, as in production."""
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# The worker closes database connections between tasks, as a long-running process
# should, so this test commits for real instead of running in a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_emailing_a_link_waits_for_the_worker_not_the_request(
    queued_in_database, client, therapist, patient
):
    client.force_login(therapist)

    response = client.post(reverse("patients:link_email", args=[patient.pk]), follow=True)

    assert "on its way to robin@example.com" in response.content.decode()
    assert mail.outbox == []
    job = BackgroundJob.objects.get()
    assert (job.kind, job.status, job.requested_by) == (JobKind.EMAIL_LINK, "queued", therapist)
    (task,) = DBTaskResult.objects.all()
    # The queue holds ids only: no name, address, condition or token.
    assert task.args_kwargs == {"args": [job.pk, patient.pk], "kwargs": {}}
    assert "Robin" not in json.dumps(task.args_kwargs)

    run_worker()

    (message,) = mail.outbox
    assert message.to == ["robin@example.com"]
    job.refresh_from_db()
    assert (job.status, job.done, job.summary) == (JobStatus.DONE, 1, "Email sent.")
    assert job.finished_at is not None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_task_that_fails_marks_its_job_failed(settings, client, therapist, patient):
    # Nothing listens on port 9 here: sending fails inside the task, not the request.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.force_login(therapist)

    response = client.post(reverse("patients:link_email", args=[patient.pk]))

    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "error" in job.summary
    assert "Robin" not in job.summary


@pytest.fixture
def active_programme(clinic, therapist, patient):
    programme = PrescriptionFactory(
        patient=patient, therapist=therapist, title="Hip set", status=PrescriptionStatus.ACTIVE
    )
    PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(name="Clamshell"), note="Go slowly."
    )
    handouts.issue_handout(programme, therapist)
    return programme


def change_clinic_in_admin(client, clinic, **changes):
    data = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "language": clinic.language,
        "address": clinic.address,
        "phone": clinic.phone,
        "email": clinic.email,
        "website": clinic.website,
        "paper_size": clinic.paper_size,
        "handout_footer": clinic.handout_footer,
        "alert_pain_at": clinic.alert_pain_at,
        "alert_pain_rise": clinic.alert_pain_rise,
        "alert_emails": "on" if clinic.alert_emails else "",
        "nudge_after_days": clinic.nudge_after_days,
        **changes,
    }
    url = reverse("admin:hipclinic_clinic_change", args=[clinic.pk])
    response = client.post(url, data, follow=True)
    confirmation = confirmation_form(response)
    if confirmation:  # the page asked before issuing handouts again: confirm
        response = client.post(url, confirmation, follow=True)
    return response


def test_a_new_logo_issues_current_handouts_again_in_the_background(
    client, clinic, therapist, active_programme
):
    ended = PrescriptionFactory(
        patient=active_programme.patient, therapist=therapist, status=PrescriptionStatus.ENDED
    )
    PrescriptionItemFactory(prescription=ended)
    handouts.issue_handout(ended, therapist)
    # A draft edit after the last issue must not reach the patient with the new logo.
    active_programme.items.update(note="Unreviewed draft note")
    manager = ManagerFactory(clinic=clinic)
    client.force_login(manager)
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(logo, "PNG")

    response = change_clinic_in_admin(
        client,
        clinic,
        name="Northside Physio & Pilates",
        logo=SimpleUploadedFile("logo.png", logo.getvalue(), content_type="image/png"),
    )

    assert "issued again with the new details" in response.content.decode()
    latest = active_programme.handouts.order_by("-revision").first()
    assert latest.revision == 2
    assert latest.issued_by == manager
    assert latest.snapshot["clinic"]["logo"].startswith("clinic-logos/")
    text = pdf_text(latest.pdf.read())
    assert "Northside Physio & Pilates" in text
    assert "Go slowly." in text and "Unreviewed draft note" not in text
    assert ended.handouts.count() == 1  # ended programmes are left alone
    job = BackgroundJob.objects.get()
    assert (job.kind, job.status, job.done, job.total) == (
        JobKind.REBRAND_HANDOUTS,
        JobStatus.DONE,
        1,
        1,
    )
    assert job.summary == "1 handout re-rendered."


def test_changing_what_a_handout_does_not_print_issues_nothing(client, clinic, active_programme):
    client.force_login(ManagerFactory(clinic=clinic))

    change_clinic_in_admin(client, clinic, paper_size="LETTER")

    assert active_programme.handouts.count() == 1
    assert not BackgroundJob.objects.exists()


def a_logo():
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(logo, "PNG")
    return SimpleUploadedFile("logo.png", logo.getvalue(), content_type="image/png")


# A new value for each clinic field a manager edits in the admin. A field missing here
# fails the tests below by name, so whoever adds one decides whether handouts print it.
NEW_VALUES = {
    "name": lambda: "Northside Physio & Pilates",
    "address": lambda: "2 Harbour Road",
    "phone": lambda: "+44 20 7946 0999",
    "email": lambda: "desk@northside.example",
    "website": lambda: "https://northside.example",
    "logo": a_logo,
    "handout_footer": lambda: "Open Saturdays 9 to 12.",
    "timezone": lambda: "Europe/London",
    "language": lambda: "es",
    "paper_size": lambda: "LETTER",
    "alert_pain_at": lambda: 8,
    "alert_pain_rise": lambda: 4,
    "alert_emails": lambda: False,
    "nudge_after_days": lambda: 5,
    "require_two_factor": lambda: True,
}
ADMIN_FIELDS = [field for _title, options in ClinicAdmin.fieldsets for field in options["fields"]]


@pytest.mark.parametrize("key, field", Clinic.HANDOUT_HEADING.items())
def test_every_field_the_heading_prints_issues_handouts_again_when_changed(
    client, clinic, active_programme, key, field
):
    client.force_login(ManagerFactory(clinic=clinic))

    change_clinic_in_admin(client, clinic, **{field: NEW_VALUES[field]()})

    latest = active_programme.handouts.order_by("-revision").first()
    assert latest.revision == 2
    assert BackgroundJob.objects.get().kind == JobKind.REBRAND_HANDOUTS
    printed = latest.snapshot["clinic"][key]
    if field == "logo":
        assert printed.startswith("clinic-logos/")
    else:
        assert printed == NEW_VALUES[field]()


@pytest.mark.parametrize(
    "field", [f for f in ADMIN_FIELDS if f not in Clinic.BRANDING_FIELDS and f != "slug"]
)
def test_a_field_the_heading_does_not_print_issues_nothing(client, clinic, active_programme, field):
    client.force_login(ManagerFactory(clinic=clinic))

    response = change_clinic_in_admin(client, clinic, **{field: NEW_VALUES[field]()})

    assert response.status_code == 200
    assert Clinic.objects.filter(pk=clinic.pk).values_list(field, flat=True).get() == (
        NEW_VALUES[field]()
    )
    assert active_programme.handouts.count() == 1
    assert not BackgroundJob.objects.exists()


def test_the_heading_keeps_the_keys_issued_handouts_hold(clinic, active_programme):
    """Re-issuing compares an issued handout's heading with the clinic's: a renamed key
    would issue every current handout again, so the keys are pinned here."""
    issued = active_programme.handouts.get().snapshot["clinic"]

    assert issued == clinic.handout_heading()
    assert set(issued) == {"name", "address", "phone", "email", "website", "logo", "footer"}


def test_jobs_show_in_the_admin_to_their_own_clinic_only(client, clinic, other_clinic, therapist):
    mine = BackgroundJob.objects.create(
        clinic=clinic, requested_by=therapist, kind=JobKind.ISSUE_HANDOUTS, total=40, done=12
    )
    theirs = BackgroundJob.objects.create(clinic=other_clinic, kind=JobKind.EMAIL_LINK)
    client.force_login(ManagerFactory(clinic=clinic))

    listing = client.get(reverse("admin:hipclinic_backgroundjob_changelist"))

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [mine]
    assert "12 of 40" in listing.content.decode()
    other = client.get(reverse("admin:hipclinic_backgroundjob_change", args=[theirs.pk]))
    assert other.status_code == 404


def test_nobody_edits_or_removes_a_job(client, clinic, therapist):
    job = BackgroundJob.objects.create(clinic=clinic, kind=JobKind.EMAIL_LINK)
    for user in (therapist, ManagerFactory(clinic=clinic)):
        client.force_login(user)

        page = client.get(reverse("admin:hipclinic_backgroundjob_change", args=[job.pk]))
        delete = client.post(reverse("admin:hipclinic_backgroundjob_delete", args=[job.pk]))
        change = client.post(
            reverse("admin:hipclinic_backgroundjob_change", args=[job.pk]), {"summary": "x"}
        )

        assert page.status_code == 200
        assert delete.status_code == 403
        assert change.status_code == 403
    assert BackgroundJob.objects.filter(pk=job.pk, summary="").exists()


def test_bulk_issue_only_touches_the_jobs_clinic(clinic, other_clinic, therapist):
    from hipclinic.jobs import start_job
    from patients.tasks import issue_handouts

    mine = PrescriptionItemFactory(prescription__patient__clinic=clinic).prescription
    theirs = PrescriptionItemFactory(prescription__patient__clinic=other_clinic).prescription

    start_job(
        JobKind.ISSUE_HANDOUTS, clinic, therapist, issue_handouts, [mine.pk, theirs.pk], total=2
    )

    assert mine.handouts.count() == 1
    assert theirs.handouts.count() == 0


def test_only_platform_admins_see_the_task_queue_itself(client, clinic):
    queue = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    client.force_login(ManagerFactory(clinic=clinic))
    assert client.get(queue).status_code == 403

    client.force_login(UserFactory(is_superuser=True, clinic=None))
    assert client.get(queue).status_code == 200
