"""Issuing handouts as immutable revisions, downloading them, and where staff reach both."""

import hashlib
import json
import re

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent, BackgroundJob, JobKind, JobStatus
from patients import handouts
from patients.links import link_url, token_for
from patients.models import Handout, PatientLink
from tests.factories import (
    HandoutFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.pdfs import first_page_png, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(clinic, therapist):
    patient = PatientFactory(clinic=clinic, first_name="Maria", last_name="Okafor")
    prescription = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(prescription=prescription, note="Go gently on the left.")
    PrescriptionItemFactory(prescription=prescription, note="Breathe out as you lift.")
    return prescription


@pytest.fixture
def issued(programme, therapist):
    return handouts.issue_handout(programme, therapist)


def stored_bytes(handout: Handout) -> bytes:
    with handout.pdf.open("rb") as file:
        return file.read()


def download_url(handout) -> str:
    return reverse("patients:download_handout", args=[handout.pk])


def test_issue_stores_pdf_hash_pages_snapshot_and_who(issued, therapist):
    pdf = stored_bytes(issued)

    assert issued.revision == 1
    assert issued.sha256 == hashlib.sha256(pdf).hexdigest()
    assert issued.page_count >= 2
    assert issued.issued_by == therapist
    assert "Go gently on the left." in pdf_text(pdf)
    assert [e["note"] for e in issued.snapshot["exercises"]] == [
        "Go gently on the left.",
        "Breathe out as you lift.",
    ]
    assert "Okafor" not in issued.pdf.name  # storage paths hold ids, not names


def test_editing_after_issue_leaves_revision_one_untouched(issued, programme, therapist):
    first_bytes, first_sha = stored_bytes(issued), issued.sha256
    item = programme.items.first()
    item.note = "Changed after issuing."
    item.save()

    second = handouts.issue_handout(programme, therapist)
    issued.refresh_from_db()

    assert second.revision == 2
    assert stored_bytes(issued) == first_bytes
    assert issued.sha256 == first_sha == hashlib.sha256(stored_bytes(issued)).hexdigest()
    assert "Changed after issuing." not in pdf_text(first_bytes)
    assert "Changed after issuing." in pdf_text(stored_bytes(second))
    assert issued.snapshot["exercises"][0]["note"] == "Go gently on the left."


def test_issue_writes_an_audit_event_without_clinical_text(issued, therapist):
    event = AuditEvent.objects.get(action=AuditAction.ISSUED)

    assert (event.actor, event.target_type, event.target_id) == (
        therapist,
        "patients.handout",
        str(issued.pk),
    )
    assert event.clinic == therapist.clinic


def test_programme_without_exercises_is_not_issued(clinic, therapist):
    empty = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=therapist)

    with pytest.raises(handouts.CannotIssue, match="at least one exercise"):
        handouts.issue_handout(empty, therapist)
    assert not Handout.objects.exists()


# --- Downloading -------------------------------------------------------------------


@pytest.fixture
def renderer_forbidden(monkeypatch):
    """Downloads must serve stored bytes: any render during the test fails it."""

    def refuse(*args, **kwargs):
        raise AssertionError("a download rendered the handout again")

    monkeypatch.setattr(handouts, "render_pdf", refuse)
    monkeypatch.setattr(handouts.weasyprint, "HTML", refuse)


def test_download_serves_the_stored_bytes_with_an_etag(
    client, therapist, issued, renderer_forbidden
):
    client.force_login(therapist)

    response = client.get(download_url(issued))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{issued.sha256}"'
    assert b"".join(response.streaming_content) == stored_bytes(issued)


def test_download_answers_304_for_a_matching_etag(client, therapist, issued, renderer_forbidden):
    client.force_login(therapist)

    response = client.get(download_url(issued), HTTP_IF_NONE_MATCH=f'"{issued.sha256}"')
    stale = client.get(download_url(issued), HTTP_IF_NONE_MATCH='"something-else"')

    assert response.status_code == 304
    assert response.content == b""
    assert stale.status_code == 200


def test_download_file_name_is_readable_with_initials_only(client, therapist, issued):
    client.force_login(therapist)

    disposition = client.get(download_url(issued))["Content-Disposition"]

    date = issued.issued_at.date().isoformat()
    assert disposition == (
        f'attachment; filename="northside-physio-home-programme-MO-version-1-{date}.pdf"'
    )
    assert "Okafor" not in disposition and "Maria" not in disposition


def test_download_is_audited(client, therapist, issued):
    client.force_login(therapist)

    client.get(download_url(issued))

    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED)
    assert (event.actor, event.target_id) == (therapist, str(issued.pk))


def test_a_stored_handouts_name_has_a_random_part_past_its_ids(issued, programme, therapist):
    """Knowing one handout's storage name (from a storage log, say) leads to no other."""
    again = handouts.issue_handout(programme, therapist)
    clinic_id = programme.patient.clinic_id

    for handout in [issued, again]:
        pattern = rf"handouts/{clinic_id}/{programme.pk}-r{handout.revision}-[0-9a-f]{{32}}\.pdf"
        assert re.fullmatch(pattern, handout.pdf.name), handout.pdf.name
    assert handouts.handout_storage_name(programme, 1) != handouts.handout_storage_name(
        programme, 1
    )
    assert "Okafor" not in issued.pdf.name and "Maria" not in issued.pdf.name


def test_a_handout_stored_under_an_old_style_name_still_downloads(client, therapist, programme):
    old = HandoutFactory(prescription=programme, revision=1, sha256="0" * 64)
    old.pdf.save(f"{programme.patient.clinic_id}/{programme.pk}-r1.pdf", ContentFile(b"%PDF old"))
    client.force_login(therapist)

    response = client.get(download_url(old))

    assert old.pdf.name == f"handouts/{programme.patient.clinic_id}/{programme.pk}-r1.pdf"
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF old"


def test_another_clinics_handout_is_404(client, issued, other_clinic):
    client.force_login(UserFactory(clinic=other_clinic))

    assert client.get(download_url(issued)).status_code == 404


def test_download_needs_a_staff_login(client, issued):
    response = client.get(download_url(issued))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


# --- Issue and preview views, and the admin ------------------------------------------


def test_issue_view_issues_and_returns_to_the_programme(client, therapist, programme):
    client.force_login(therapist)

    response = client.post(reverse("patients:issue_handout", args=[programme.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:patients_prescription_change", args=[programme.pk]
    )
    assert list(programme.handouts.values_list("revision", flat=True)) == [1]


def test_issue_view_refuses_get_and_other_clinics(client, programme, other_clinic):
    client.force_login(UserFactory(clinic=other_clinic))
    url = reverse("patients:issue_handout", args=[programme.pk])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    assert not programme.handouts.exists()


def test_issue_view_does_not_redirect_off_site(client, therapist, programme):
    client.force_login(therapist)

    response = client.post(
        reverse("patients:issue_handout", args=[programme.pk]),
        {"next": "https://evil.example/phish"},
    )

    assert response["Location"].startswith("/admin/")


def test_preview_renders_the_draft_without_issuing(client, therapist, programme):
    client.force_login(therapist)

    response = client.get(reverse("patients:preview_handout", args=[programme.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Breathe out as you lift." in pdf_text(response.content)
    assert not programme.handouts.exists()


def test_preview_of_another_clinics_programme_is_404(client, programme, other_clinic):
    client.force_login(ManagerFactory(clinic=other_clinic))

    response = client.get(reverse("patients:preview_handout", args=[programme.pk]))

    assert response.status_code == 404


def test_admin_action_issues_many_programmes_in_a_background_job(
    client, therapist, programme, clinic
):
    empty = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=therapist)
    client.force_login(therapist)

    response = client.post(
        reverse("admin:patients_prescription_changelist"),
        {"action": "issue_handouts", "_selected_action": [programme.pk, empty.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any("Issuing 2 handouts in the background" in message for message in messages)
    # Tests run tasks at once, so the job has finished by now.
    assert list(programme.handouts.values_list("revision", flat=True)) == [1]
    assert not empty.handouts.exists()
    job = BackgroundJob.objects.get()
    assert (job.kind, job.status, job.clinic, job.requested_by) == (
        JobKind.ISSUE_HANDOUTS,
        JobStatus.DONE,
        clinic,
        therapist,
    )
    assert (job.done, job.total) == (2, 2)
    assert job.summary == (
        "1 handout issued, 1 skipped (no exercises, or an exercise waiting for a check)."
    )


def test_admin_action_issues_one_programme_at_once(client, therapist, programme, clinic):
    client.force_login(therapist)

    response = client.post(
        reverse("admin:patients_prescription_changelist"),
        {"action": "issue_handouts", "_selected_action": [programme.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any("Issued “Hip set” version 1" in message for message in messages)
    assert not BackgroundJob.objects.exists()


def test_admin_action_says_why_an_empty_programme_is_not_issued(client, therapist, clinic):
    empty = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=therapist)
    client.force_login(therapist)

    response = client.post(
        reverse("admin:patients_prescription_changelist"),
        {"action": "issue_handouts", "_selected_action": [empty.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any("Add at least one exercise" in message for message in messages)


def test_programme_page_offers_preview_issue_and_each_revision(client, therapist, programme):
    first = handouts.issue_handout(programme, therapist)
    second = handouts.issue_handout(programme, therapist)
    client.force_login(therapist)

    page = client.get(
        reverse("admin:patients_prescription_change", args=[programme.pk])
    ).content.decode()

    assert reverse("patients:preview_handout", args=[programme.pk]) in page
    assert reverse("patients:issue_handout", args=[programme.pk]) in page
    assert f'href="{download_url(first)}">Download version 1<' in page
    assert f'href="{download_url(second)}">Download version 2<' in page


def test_the_printed_qr_code_opens_the_patients_live_link(programme, therapist, tmp_path):
    handout = handouts.issue_handout(programme, therapist)

    with first_page_png(handout.pdf.read(), tmp_path) as page:
        codes = zxingcpp.read_barcodes(page)

    link = PatientLink.objects.live().get(patient=programme.patient)
    assert [code.text for code in codes] == [link_url(link)]
    assert "/p/" in link_url(link)
    # The snapshot kept in the database does not hold the link.
    assert token_for(link) not in json.dumps(handout.snapshot)
