"""Choosing how a handout prints on the programme page: layout, paper and large print, for
the preview and the issued version, kept with the version."""

import hashlib

import pytest
from django.urls import reverse

from patients.models import Handout
from tests.factories import PatientFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(clinic, therapist):
    patient = PatientFactory(
        clinic=clinic, first_name="Maria", large_print=True, paper_size="LETTER"
    )
    prescription = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(prescription=prescription, order=0)
    PrescriptionItemFactory(prescription=prescription, order=1)
    return prescription


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


def choose(layout="full", paper_size="A4", large_print=False) -> dict:
    return {"layout": layout, "paper_size": paper_size} | (
        {"large_print": "on"} if large_print else {}
    )


def issue(staff, programme, **choice):
    url = reverse("patients:issue_handout", args=[programme.pk])
    back = reverse("patients:programme_detail", args=[programme.pk])
    return staff.post(url, {"next": back, **choose(**choice)}, follow=True)


def test_the_box_starts_from_the_patients_defaults(staff, programme):
    html = staff.get(reverse("patients:programme_detail", args=[programme.pk])).content.decode()

    assert '<option value="LETTER" selected>' in html
    assert 'name="large_print" id="id_large_print" checked' in html
    assert 'value="full" class="form-check-input" id="id_layout_0" required checked' in html
    assert 'formaction="' + reverse("patients:preview_handout", args=[programme.pk]) in html


def test_the_preview_prints_the_layout_asked_for(staff, programme):
    url = reverse("patients:preview_handout", args=[programme.pk])

    summary = staff.post(url, choose("summary"))
    full = staff.post(url, choose("full"))

    assert summary["Content-Type"] == "application/pdf"
    assert "Your exercises at a glance" in pdf_text(summary.content)
    assert "Your exercises at a glance" not in pdf_text(full.content)
    assert not Handout.objects.exists()


def test_a_preview_with_a_choice_the_form_does_not_offer_is_refused(staff, programme):
    url = reverse("patients:preview_handout", args=[programme.pk])

    response = staff.post(url, choose("poster"))

    assert response.status_code == 400


def test_issuing_keeps_the_choice_with_the_version_and_says_it(staff, programme):
    response = issue(staff, programme, layout="summary_full", paper_size="A4", large_print=False)

    handout = Handout.objects.get()
    assert (handout.snapshot["layout"], handout.snapshot["paper_size"]) == ("summary_full", "A4")
    assert handout.snapshot["large_print"] is False
    html = response.content.decode()
    assert "Issued handout version 1: Summary, then the full sheet · A4" in html
    assert "<td>Summary, then the full sheet · A4</td>" in html
    assert "Your exercises at a glance" in pdf_text(handout.pdf.open("rb").read())


def test_an_issue_with_a_choice_the_form_does_not_offer_issues_nothing(staff, programme):
    response = issue(staff, programme, layout="poster")

    assert "Not issued: choose a layout and a paper size from the lists." in (
        response.content.decode()
    )
    assert not Handout.objects.exists()


def test_an_issued_version_downloads_the_same_bytes_after_the_defaults_change(
    staff, programme, clinic
):
    issue(staff, programme, layout="full", paper_size="LETTER", large_print=True)
    handout = Handout.objects.get()
    url = reverse("patients:download_handout", args=[handout.pk])
    before = b"".join(staff.get(url).streaming_content)

    patient = programme.patient
    patient.large_print, patient.paper_size = False, "A4"
    patient.save()
    clinic.paper_size = "A4"
    clinic.save()
    after = b"".join(staff.get(url).streaming_content)

    assert before == after
    assert hashlib.sha256(after).hexdigest() == handout.sha256
    handout.refresh_from_db()
    assert handout.printed_as == "Full sheet · Letter · large print"


def test_the_download_is_named_by_its_version(staff, programme):
    issue(staff, programme)
    handout = Handout.objects.get()

    response = staff.get(reverse("patients:download_handout", args=[handout.pk]))

    assert "-version-1-" in response["Content-Disposition"]


def test_the_programme_page_says_version_and_never_revision(staff, programme):
    issue(staff, programme)

    html = staff.get(reverse("patients:programme_detail", args=[programme.pk])).content.decode()

    assert "handout version 1 issued" in html
    assert "Download version 1" in html
    assert "revision" not in html.lower()
