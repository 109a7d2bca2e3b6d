"""What a patient's page view costs (issue 23 §3): storage reads and database writes.

Storage reads are counted by a real file-system storage that counts the files it
opens (configured as the default storage for these tests), and writes by the SQL
Django sends; nothing of ours is mocked.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from exercises.illustrations import update_drawing
from exercises.models import Exercise
from hipclinic.models import AuditAction, AuditEvent
from patients.links import create_link, link_path, links_for_staff, token_for
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
)

pytestmark = pytest.mark.django_db


class CountingStorage(FileSystemStorage):
    """The file-system storage, counting each file it opens for reading."""

    opened: list[str] = []

    def _open(self, name, mode="rb"):
        CountingStorage.opened.append(name)
        return super()._open(name, mode)


@pytest.fixture(autouse=True)
def counting_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.CountingStorage"},
    }
    CountingStorage.opened = []
    return CountingStorage.opened


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "PNG")
    return out.getvalue()


def exercise_entry(exercise) -> dict:
    return {
        "name": exercise.name,
        "purpose": "Strengthens the side of the hip.",
        "steps": ["Lie on your side."],
        "dose": "Do 3 sets of 10.",
        "note": "",
        "tips": [],
        "precautions": [],
        "illustration": exercise.illustration.name or "",
    }


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, first_name="Robin")


def issue(patient, therapist, exercises, revision=1):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Outer hip set")
    return HandoutFactory(
        prescription=programme,
        revision=revision,
        snapshot={
            "title": "Outer hip set",
            "review_date": "",
            "exercises": [exercise_entry(exercise) for exercise in exercises],
        },
    )


@pytest.fixture
def pictured(clinic, therapist, patient):
    """An issued handout with an uploaded photo (PNG) and a drawing made from a pose (SVG)."""
    photo = ExerciseFactory(clinic=clinic, name="Banded clamshell")
    photo.illustration.save("clamshell.png", ContentFile(png()), save=True)
    drawn = ExerciseFactory(clinic=clinic, name="Sit to stand", pose={"base": "standing"})
    update_drawing(drawn)
    drawn.refresh_from_db()
    handout = issue(patient, therapist, [photo, drawn])
    return handout, create_link(patient, therapist)


def picture_urls(page, link) -> list[str]:
    """The pictures' addresses as the browser resolves them against the page's."""
    parts = page.content.decode().split('src="pictures/')[1:]
    return [link_path(link) + "pictures/" + part.split('"', 1)[0] for part in parts]


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_a_page_view_reads_no_storage_and_writes_one_audit_event(
    client, pictured, counting_storage
):
    handout, link = pictured

    with CaptureQueriesContext(connection) as queries:
        page = client.get(link_path(link))

    assert page.status_code == 200
    assert "Banded clamshell" in page.content.decode() and "Sit to stand" in page.content.decode()
    assert counting_storage == []  # pictures come in their own requests, not in the page
    assert len(writes(queries)) == 1
    assert AuditEvent.objects.filter(patient_link=link, action=AuditAction.VIEWED).count() == 1


def test_the_pictures_are_served_then_a_repeat_visit_reads_no_storage(
    client, pictured, counting_storage
):
    handout, link = pictured
    first = client.get(link_path(link))
    urls = picture_urls(first, link)
    pictures = [client.get(url) for url in urls]

    assert len(urls) == 2
    assert [p.status_code for p in pictures] == [200, 200]
    assert pictures[0]["Content-Type"] == "image/png" and pictures[0].content == png()
    assert pictures[1]["Content-Type"] == "image/svg+xml"
    assert b"<svg" in pictures[1].content  # the drawing made from the pose
    assert all(p["Cache-Control"].startswith("private") for p in pictures)
    assert len(counting_storage) == 2

    counting_storage.clear()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(link_path(link))
        revalidated = [
            client.get(url, HTTP_IF_NONE_MATCH=p["ETag"])
            for url, p in zip(urls, pictures, strict=True)
        ]

    assert again.status_code == 200
    assert [r.status_code for r in revalidated] == [304, 304]
    assert counting_storage == []
    assert len(writes(queries)) == 1  # the repeat view's audit event; pictures write nothing


def test_a_changed_drawing_gets_a_new_etag(client, pictured):
    handout, link = pictured
    url = picture_urls(client.get(link_path(link)), link)[1]
    before = client.get(url)
    drawn = Exercise.objects.get(name="Sit to stand")
    drawn.pose = {"base": "supine"}
    drawn.save()
    update_drawing(drawn)

    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"] and after.content != before.content


def test_a_link_reaches_only_its_own_patients_pictures(client, clinic, therapist, pictured):
    handout, link = pictured
    other = create_link(PatientFactory(clinic=clinic), therapist)
    mine = reverse("public:patient_picture", args=[token_for(link), handout.pk, 1])
    theirs = reverse("public:patient_picture", args=[token_for(other), handout.pk, 1])
    past_the_end = reverse("public:patient_picture", args=[token_for(link), handout.pk, 3])

    assert client.get(mine).status_code == 200
    assert client.get(theirs).status_code == 404
    assert client.get(past_the_end).status_code == 404
    assert client.get(mine.replace(token_for(link), "x" * 43)).status_code == 404


def test_the_exercise_list_is_rendered_once_per_version(client, clinic, therapist, pictured):
    handout, link = pictured
    client.get(link_path(link))
    # Changing the stored snapshot behind the app's back shows the cached list is used...
    handout.snapshot["exercises"][0]["name"] = "Renamed behind the cache"
    handout.save(update_fields=["snapshot"])
    assert "Banded clamshell" in client.get(link_path(link)).content.decode()

    # ...and a newly issued version is rendered afresh.
    newer = issue(handout.prescription.patient, therapist, [ExerciseFactory(name="Bridge")], 2)
    page = client.get(link_path(link)).content.decode()

    assert f"Version {newer.revision}" in page
    assert "Bridge" in page and "Banded clamshell" not in page


def test_the_staff_see_uses_counted_from_the_audit_trail(client, pictured, patient):
    handout, link = pictured
    handout.pdf.save("handouts/t/1-r1.pdf", ContentFile(b"%PDF-1.7 revision one"), save=True)
    for _ in range(3):
        client.get(link_path(link))
    pdf = client.get(reverse("public:patient_handout", args=[token_for(link)]))
    last = AuditEvent.objects.filter(patient_link=link).latest("created_at")

    [(counted, _url)] = links_for_staff(patient)

    assert pdf.status_code == 200
    assert counted.use_count == 4  # three views and a download; the pictures are not uses
    assert counted.last_used_at == last.created_at
