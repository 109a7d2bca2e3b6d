"""Two therapists saving or issuing one programme at the same moment, with real threads
on a real database: PostgreSQL's row locks, or SQLite's single writer on a file (the
test database is a file, not Django's in-memory default; see the settings).

Whatever the order the database lets them in, each request gets a proper answer: one
save and one "someone else saved" refusal, never a 500, nothing lost or doubled.
"""

import errno
import io
import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections
from django.test import Client
from django.urls import reverse
from PIL import Image

from hipclinic.models import BackgroundJob, Clinic, JobKind, JobStatus
from patients.handouts import issue_handout
from patients.links import live_link_for
from patients.models import (
    Handout,
    Patient,
    PatientLink,
    Prescription,
    PrescriptionItem,
    PrescriptionStatus,
)
from patients.prescribing import StaleProgramme, save_programme
from patients.tasks import rebrand_handouts, record_reissues
from tests.concurrency import at_once
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.patients.test_programme_views import builder_data, edit_url
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)

STALE = "Someone saved this programme while you were editing it"


@pytest.fixture(autouse=True)
def a_database_on_disk():
    """Threads must meet on a database like the one the app runs on: a file, in WAL mode,
    with a busy timeout and IMMEDIATE transactions, not a private in-memory copy."""
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
        cursor = connection.cursor()
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert cursor.execute("PRAGMA busy_timeout").fetchone() == (20_000,)
        assert connection.transaction_mode == "IMMEDIATE"


def logged_in(user) -> Client:
    # A 500 comes back as a response to assert on, not as an exception in a thread.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def colleague(clinic):
    return UserFactory(clinic=clinic)


@pytest.fixture
def programme(clinic, therapist):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic), therapist=therapist, title="Hip set"
    )
    for order, name in enumerate(["Clamshell", "Bridge", "Butterfly stretch"]):
        PrescriptionItemFactory(
            prescription=programme,
            order=order,
            exercise=ExerciseFactory(clinic=clinic, name=name),
            note=f"note for {name}",
        )
    return programme


def test_two_therapists_saving_one_revision_get_one_save_and_one_refusal(
    programme, therapist, colleague
):
    clients = {"mine": logged_in(therapist), "theirs": logged_in(colleague)}
    for round_ in range(3):  # the original fault showed in every run; three rounds here
        opened = builder_data(Prescription.objects.get(pk=programme.pk))  # both open it
        posts = {}
        for name, client in clients.items():
            data = {**opened, "items-0-note": f"{name} {round_}"}
            posts[name] = lambda client=client, data=data: client.post(edit_url(programme), data)

        responses = dict(zip(posts, at_once(*posts.values()), strict=True))

        statuses = sorted(getattr(r, "status_code", r) for r in responses.values())
        assert statuses == [200, 302]  # one saved and went on; one refused, nothing else
        winner = next(name for name, r in responses.items() if r.status_code == 302)
        loser = next(r for r in responses.values() if r.status_code == 200)
        assert STALE in loser.content.decode()
        stored = programme.items.order_by("order")
        assert [item.exercise.name for item in stored] == [
            "Clamshell",
            "Bridge",
            "Butterfly stretch",
        ]  # none lost, none doubled
        assert stored[0].note == f"{winner} {round_}"
        assert Prescription.objects.get(pk=programme.pk).revision == round_ + 2


def test_exactly_one_of_two_simultaneous_saves_wins(clinic):
    programme = PrescriptionFactory(patient=PatientFactory(clinic=clinic))
    mine = [ExerciseFactory(clinic=clinic, name=f"Mine {n}") for n in range(3)]
    theirs = [ExerciseFactory(clinic=clinic, name=f"Theirs {n}") for n in range(4)]

    def save(name, exercises):
        opened = Prescription.objects.get(pk=programme.pk)  # both open revision 1
        try:
            save_programme(opened, 1, [{"exercise": e, "note": name} for e in exercises])
        except StaleProgramme:
            return "refused"
        return "saved"

    outcomes = dict(
        zip(
            ["mine", "theirs"],
            at_once(lambda: save("mine", mine), lambda: save("theirs", theirs)),
            strict=True,
        )
    )

    assert sorted(outcomes.values(), key=str) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    expected = [e.name for e in (mine if winner == "mine" else theirs)]
    stored = PrescriptionItem.objects.filter(prescription=programme).order_by("order")
    assert [item.exercise.name for item in stored] == expected  # none lost, none doubled
    assert {item.note for item in stored} == {winner}
    assert Prescription.objects.get(pk=programme.pk).revision == 2


def stored_pdfs() -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_two_therapists_issuing_at_once_get_revisions_one_and_two(programme, therapist, colleague):
    url = reverse("patients:issue_handout", args=[programme.pk])
    back = {"next": reverse("patients:programme_detail", args=[programme.pk])}
    issuers = [logged_in(therapist), logged_in(colleague)]

    responses = at_once(*(lambda c=client: c.post(url, back, follow=True) for client in issuers))

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
    said = sorted(re.search(r"Issued handout version \d", r.content.decode())[0] for r in responses)
    assert said == ["Issued handout version 1", "Issued handout version 2"]
    handouts = Handout.objects.filter(prescription=programme).order_by("revision")
    assert [h.revision for h in handouts] == [1, 2]
    assert {h.issued_by for h in handouts} == {therapist, colleague}
    for handout in handouts:
        with handout.pdf.open("rb") as file:
            assert f"(version {handout.revision})" in pdf_text(file.read())
    # Only the two issued PDFs are in storage: a render that lost the race left nothing.
    assert stored_pdfs() == sorted(Path(h.pdf.path) for h in handouts)


def test_staff_pages_keep_answering_while_others_save_and_issue(programme, therapist, colleague):
    """Every request saves its session (the idle timeout); that write must wait its turn,
    not fail the page with a 400."""
    reader = logged_in(therapist)
    detail = reverse("patients:programme_detail", args=[programme.pk])
    writer = logged_in(colleague)
    issue = reverse("patients:issue_handout", args=[programme.pk])

    def read_pages():
        return [reader.get(detail).status_code for _ in range(30)]

    def save_and_issue():
        answers = []
        for n in range(3):
            current = Prescription.objects.get(pk=programme.pk)
            data = {**builder_data(current), "items-0-note": f"saved {n}"}
            answers.append(writer.post(edit_url(programme), data).status_code)
            answers.append(writer.post(issue, {"next": detail}).status_code)
        return answers

    pages, writes = at_once(read_pages, save_and_issue)

    assert pages == [200] * 30
    assert writes == [302] * 6
    assert Handout.objects.filter(prescription=programme).count() == 3
    assert reader.get(detail).status_code == 200  # the session is still good


def png_bytes() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(picture, "PNG")
    return picture.getvalue()


def open_when_read(fifo: Path, seconds: float = 30) -> int:
    """The writing end of a named pipe, once something opens it to read."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:  # ENXIO: no reader yet
            if error.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def test_a_save_never_waits_for_a_handout_being_rendered(programme, therapist, colleague):
    """The render runs outside any transaction: a colleague's save, and a page (which
    saves its session), go through while it is under way, however long it takes; the
    handout issued shows that save, not what was there before."""
    # The first exercise's picture is a named pipe: the render stops when it opens it
    # (open() waits for a writer) and goes on when the test writes the picture.
    picture = Path(settings.MEDIA_ROOT) / "exercise-illustrations" / "clamshell.png"
    picture.parent.mkdir(parents=True)
    os.mkfifo(picture)
    clamshell = programme.items.get(order=0).exercise
    clamshell.illustration.name = "exercise-illustrations/clamshell.png"
    clamshell.save()
    issuer, saver, reader = logged_in(therapist), logged_in(colleague), logged_in(colleague)
    detail = reverse("patients:programme_detail", args=[programme.pk])
    opened = builder_data(Prescription.objects.get(pk=programme.pk))
    issued, saved = {}, {}

    def issue():
        url = reverse("patients:issue_handout", args=[programme.pk])
        issued["response"] = issuer.post(url, {"next": "/"})
        connections.close_all()

    def save():
        data = {**opened, "items-0-note": "Saved during the render."}
        saved["response"] = saver.post(edit_url(programme), data)
        connections.close_all()

    issuing = threading.Thread(target=issue)
    issuing.start()
    pipe = open_when_read(picture)  # the render is now waiting for the picture
    saving = threading.Thread(target=save)
    saving.start()
    saving.join(timeout=30)
    saved_while_rendering = not saving.is_alive()
    page_while_rendering = reader.get(detail)  # it saves its session too
    # Later renders find a plain file; this one gets the bytes through the pipe.
    plain = picture.with_suffix(".tmp")
    plain.write_bytes(png_bytes())
    os.replace(plain, picture)
    os.write(pipe, png_bytes())
    os.close(pipe)
    issuing.join(timeout=60)
    saving.join(timeout=30)

    assert saved_while_rendering
    assert page_while_rendering.status_code == 200
    assert saved["response"].status_code == 302
    assert issued["response"].status_code == 302
    (handout,) = Handout.objects.filter(prescription=programme)
    assert handout.revision == 1
    assert handout.snapshot["exercises"][0]["note"] == "Saved during the render."
    with handout.pdf.open("rb") as file:
        assert "Saved during the render." in pdf_text(file.read())
    assert stored_pdfs() == [Path(handout.pdf.path)]


@pytest.fixture
def two_issued_programmes(clinic, therapist):
    programmes = []
    for title in ("Hip set", "Back set"):
        programme = PrescriptionFactory(
            patient=PatientFactory(clinic=clinic),
            therapist=therapist,
            title=title,
            status=PrescriptionStatus.ACTIVE,
        )
        PrescriptionItemFactory(prescription=programme)
        issue_handout(programme, therapist)
        programmes.append(programme)
    return programmes


def test_a_branding_change_during_previews_re_renders_every_handout(
    clinic, therapist, manager, two_issued_programmes
):
    Clinic.objects.filter(pk=clinic.pk).update(name="Northside Physio & Pilates")
    job = BackgroundJob.objects.create(
        clinic=clinic, requested_by=manager, kind=JobKind.REBRAND_HANDOUTS
    )
    record_reissues(job)
    previewer = logged_in(therapist)
    previews = [
        reverse("patients:preview_handout", args=[programme.pk])
        for programme in two_issued_programmes
    ]

    def preview_each_twice():
        return [previewer.get(url).status_code for url in previews * 2]

    def run_job():  # as the task worker runs it
        return rebrand_handouts.call(job.pk)

    pages, outcome = at_once(preview_each_twice, run_job)

    assert pages == [200] * 4
    assert outcome == {"rerendered": 2}
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
    latest = [p.handouts.order_by("-revision").first() for p in two_issued_programmes]
    assert [h.revision for h in latest] == [2, 2]
    assert {h.snapshot["clinic"]["name"] for h in latest} == {"Northside Physio & Pilates"}
    assert stored_pdfs() == sorted(Path(h.pdf.path) for h in Handout.objects.all())


def test_a_handout_that_fails_to_store_leaves_no_pdf_behind(
    clinic, therapist, two_issued_programmes
):
    """The account that asked for the re-render was removed before the worker ran it:
    the handout row cannot be written once its PDF is, and the PDF is removed again."""
    Clinic.objects.filter(pk=clinic.pk).update(name="Northside Physio & Pilates")
    job = BackgroundJob.objects.create(
        clinic=clinic, requested_by=None, kind=JobKind.REBRAND_HANDOUTS
    )
    record_reissues(job)
    before = stored_pdfs()

    with pytest.raises(IntegrityError):
        rebrand_handouts.call(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert Handout.objects.count() == 2  # the two first issues, nothing more
    assert stored_pdfs() == before  # and no PDF without its row


def test_two_first_handouts_issued_at_once_share_one_new_link(programme, therapist, colleague):
    """A patient without a link gets one with their first handout; two handouts issued at
    the same moment must not make one link each (the patient's row is locked first)."""
    assert not PatientLink.objects.filter(patient=programme.patient).exists()

    def first_link(user):
        return live_link_for(Patient.objects.get(pk=programme.patient_id), user).pk

    results = at_once(lambda: first_link(therapist), lambda: first_link(colleague))

    assert PatientLink.objects.filter(patient=programme.patient).count() == 1
    assert results[0] == results[1]
