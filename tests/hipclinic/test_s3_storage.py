"""Storage on a real S3 server: SeaweedFS on 127.0.0.1 (tests/s3.py), nothing mocked.

Every test runs with Django's default storage on an emptied bucket, configured as
``STORAGE_BACKEND=s3`` configures it. What the app stores is read back through the
app's own views; boto3 is used only to look into the bucket, as an operator would.
"""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from PIL import Image

from exercises.models import Exercise
from hipclinic.models import Clinic
from patients.links import create_link, link_path, token_for
from patients.models import Handout, Patient
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def keys_in(s3_server, bucket: str) -> set[str]:
    listing = s3_server.client().list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def object_bytes(s3_server, bucket: str, key: str) -> bytes:
    return s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def png(colour: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(buffer, "PNG")
    return buffer.getvalue()


NEW_EXERCISE = {
    "name": "Banded side step",
    "kind": "strengthening",
    "position": "standing",
    "difficulty": "moderate",
    "purpose": "Strengthens the side of the hip.",
    "steps": "Put the band round your knees.\nStep to the side.",
    "hold_unit": "seconds",
    "sets": "2",
    "reps": "12",
    "cautions-TOTAL_FORMS": "0",
    "cautions-INITIAL_FORMS": "0",
}


def logo_form(clinic, logo: bytes) -> dict:
    """The admin's clinic form as its manager sends it, with a new logo."""
    return {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "language": clinic.language,
        "phone": clinic.phone,
        "paper_size": clinic.paper_size,
        "alert_pain_at": clinic.alert_pain_at,
        "alert_pain_rise": clinic.alert_pain_rise,
        "alert_emails": "on" if clinic.alert_emails else "",
        "nudge_after_days": clinic.nudge_after_days,
        "logo": SimpleUploadedFile("northside.png", logo, content_type="image/png"),
    }


@pytest.fixture
def programme(therapist):
    patient = PatientFactory(clinic=therapist.clinic, first_name="Kim", last_name="Lee")
    programme = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(prescription=programme)
    return programme


def issue(client, programme) -> Handout:
    response = client.post(reverse("patients:issue_handout", args=[programme.pk]), follow=True)
    assert "Issued handout version 1" in response.content.decode()
    return Handout.objects.get(prescription=programme)


def test_the_default_storage_is_the_s3_bucket(s3_storage, s3_server, s3_bucket):
    name = s3_storage.save("checks/hello.txt", io.BytesIO(b"hello"))

    assert object_bytes(s3_server, s3_bucket, name) == b"hello"


def test_an_issued_handout_is_stored_in_the_bucket_and_downloads_byte_for_byte(
    client, s3_storage, s3_server, s3_bucket, therapist, programme
):
    client.force_login(therapist)

    handout = issue(client, programme)
    response = client.get(reverse("patients:download_handout", args=[handout.pk]))

    stored = object_bytes(s3_server, s3_bucket, handout.pdf.name)
    assert stored.startswith(b"%PDF")
    assert hashlib.sha256(stored).hexdigest() == handout.sha256
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert response["ETag"] == f'"{handout.sha256}"'
    again = client.get(
        reverse("patients:download_handout", args=[handout.pk]),
        headers={"if-none-match": response["ETag"]},
    )
    assert again.status_code == 304


def test_a_handout_is_not_found_by_another_clinics_staff(
    client, s3_storage, therapist, programme, other_clinic
):
    client.force_login(therapist)
    handout = issue(client, programme)

    client.force_login(UserFactory(clinic=other_clinic))
    response = client.get(reverse("patients:download_handout", args=[handout.pk]))

    assert response.status_code == 404


def test_an_uploaded_exercise_picture_is_stored_and_served_to_its_clinic_only(
    client, s3_storage, s3_server, s3_bucket, manager, other_clinic
):
    picture = png("white")
    client.force_login(manager)
    client.post(
        reverse("exercises:exercise_new"),
        {
            **NEW_EXERCISE,
            "illustration": SimpleUploadedFile("step.png", picture, content_type="image/png"),
        },
    )

    exercise = Exercise.objects.get(name="Banded side step")
    assert keys_in(s3_server, s3_bucket) == {exercise.illustration.name}
    url = reverse("exercises:exercise_picture", args=[exercise.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == object_bytes(s3_server, s3_bucket, exercise.illustration.name)
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    client.force_login(UserFactory(clinic=other_clinic))
    assert client.get(url).status_code == 404


def test_a_logo_uploaded_in_the_admin_is_stored_and_served_to_its_clinic_only(
    client, s3_storage, s3_server, s3_bucket, clinic, manager, other_clinic
):
    client.force_login(manager)
    response = client.post(
        reverse("admin:hipclinic_clinic_change", args=[clinic.pk]), logo_form(clinic, png("red"))
    )

    assert response.status_code == 302
    clinic = Clinic.objects.get(pk=clinic.pk)
    assert clinic.logo.name in keys_in(s3_server, s3_bucket)
    url = reverse("clinic_logo", args=[clinic.pk])
    served = client.get(url)
    assert served.status_code == 200
    assert served.content == object_bytes(s3_server, s3_bucket, clinic.logo.name)
    assert served.content.startswith(b"\x89PNG")
    client.force_login(UserFactory(clinic=other_clinic))
    assert client.get(url).status_code == 404


def test_the_health_check_writes_to_the_bucket_and_leaves_nothing(
    client, s3_storage, s3_server, s3_bucket
):
    response = client.get(reverse("healthz"))

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert keys_in(s3_server, s3_bucket) == set()


def test_the_health_check_says_unavailable_when_the_bucket_is_not_there(
    client, settings, s3_storage
):
    default = settings.STORAGES["default"]
    missing = {**default, "OPTIONS": {**default["OPTIONS"], "bucket_name": "no-such-bucket"}}
    settings.STORAGES = {**settings.STORAGES, "default": missing}

    response = client.get(reverse("healthz"))

    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


def test_a_picture_deleted_from_the_bucket_behind_the_apps_back_is_404(
    client, s3_storage, s3_server, s3_bucket, clinic, manager
):
    client.force_login(manager)
    client.post(
        reverse("admin:hipclinic_clinic_change", args=[clinic.pk]), logo_form(clinic, png())
    )
    clinic = Clinic.objects.get(pk=clinic.pk)
    s3_server.client().delete_object(Bucket=s3_bucket, Key=clinic.logo.name)

    response = client.get(reverse("clinic_logo", args=[clinic.pk]))

    assert response.status_code == 404


def test_a_handout_deleted_from_the_bucket_behind_the_apps_back_is_404(
    client, s3_storage, s3_server, s3_bucket, therapist, programme
):
    client.force_login(therapist)
    handout = issue(client, programme)
    s3_server.client().delete_object(Bucket=s3_bucket, Key=handout.pdf.name)

    response = client.get(reverse("patients:download_handout", args=[handout.pk]))

    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the round trip is the SQLite one (pg_dump in CI)"
)
def test_backup_then_restore_brings_back_rows_and_the_buckets_files(
    s3_storage, s3_server, s3_bucket, clinic, tmp_path
):
    kept = PatientFactory(clinic=clinic, first_name="Kept")
    kept_name = s3_storage.save("handouts/1/1-r1.pdf", io.BytesIO(b"%PDF revision one"))
    folder = tmp_path / "backup"

    call_command("backup", str(folder))
    Patient.objects.filter(pk=kept.pk).update(first_name="Changed after the backup")
    s3_storage.delete(kept_name)
    s3_storage.save("handouts/1/1-r2.pdf", io.BytesIO(b"%PDF added after the backup"))
    call_command("restore", str(folder), "--yes")

    assert list(Patient.objects.values_list("first_name", flat=True)) == ["Kept"]
    assert keys_in(s3_server, s3_bucket) == {kept_name}
    assert object_bytes(s3_server, s3_bucket, kept_name) == b"%PDF revision one"
    assert (folder / "media" / kept_name).read_bytes() == b"%PDF revision one"


@pytest.fixture
def issued_with_a_picture(client, s3_storage, therapist):
    """A programme whose exercise has a picture in the bucket, issued through the app,
    and the patient's link."""
    exercise = ExerciseFactory(clinic=therapist.clinic, name="Banded clamshell")
    exercise.illustration.save("clamshell.png", ContentFile(png("blue")), save=True)
    patient = PatientFactory(clinic=therapist.clinic, first_name="Robin")
    programme = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(prescription=programme, exercise=exercise)
    client.force_login(therapist)
    handout = issue(client, programme)
    client.logout()
    return handout, exercise, create_link(patient, therapist)


def test_the_patient_gets_the_issued_pdf_from_the_bucket(
    client, s3_server, s3_bucket, issued_with_a_picture
):
    handout, _, link = issued_with_a_picture

    page = client.get(link_path(link))
    response = client.get(reverse("public:patient_handout", args=[token_for(link)]))

    assert page.status_code == 200
    assert "Banded clamshell" in page.content.decode()
    assert response.status_code == 200
    stored = object_bytes(s3_server, s3_bucket, handout.pdf.name)
    assert b"".join(response.streaming_content) == stored


def test_the_patients_page_and_pdf_with_files_deleted_behind_the_apps_back(
    client, s3_server, s3_bucket, issued_with_a_picture
):
    handout, exercise, link = issued_with_a_picture
    bucket = s3_server.client()
    bucket.delete_object(Bucket=s3_bucket, Key=exercise.illustration.name)
    bucket.delete_object(Bucket=s3_bucket, Key=handout.pdf.name)

    page = client.get(link_path(link))
    pdf = client.get(reverse("public:patient_handout", args=[token_for(link)]))

    assert page.status_code == 200  # the exercise shows, without its picture
    assert "Banded clamshell" in page.content.decode()
    assert pdf.status_code == 404
    assert "This link does not open" in pdf.content.decode()
