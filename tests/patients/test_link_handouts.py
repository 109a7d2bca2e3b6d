"""A new link never breaks a printed handout by surprise (issue 17 §4): which handouts
carry which link, keeping older links open by default, and issuing handouts again."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent
from patients.handouts import issue_handout, rebrand_handout, render_and_store
from patients.link_handouts import issue_again
from patients.links import create_link, link_path, link_url, revoke_link
from patients.models import Handout, PatientLink, PrescriptionStatus
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)
from tests.pdfs import pdf_text, qr_code_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(clinic=clinic, primary_therapist=therapist)


@pytest.fixture
def programme(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip strength")
    PrescriptionItemFactory(
        prescription=programme, order=0, exercise=ExerciseFactory(name="Bridge lift")
    )
    return programme


@pytest.fixture
def issued(programme, therapist):
    """Revision 1, whose QR code opens the link issuing it made."""
    return issue_handout(programme, therapist)


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


def record_page(staff, patient) -> str:
    """The patient's record page as the therapist reads it (entities unescaped)."""
    response = staff.get(reverse("patients:patient_detail", args=[patient.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def new_link(staff, patient, **choices):
    url = reverse("patients:link_create", args=[patient.pk])
    return staff.post(url, {"days": "30", **choices}, follow=True)


def opens(link) -> int:
    """The status a patient (no login) gets opening ``link``."""
    return Client().get(link_path(link)).status_code


def stored_pdf(handout: Handout) -> bytes:
    with handout.pdf.open("rb") as file:
        return file.read()


# --- Every handout records the link in its QR code ---------------------------------------


def test_an_issued_handout_records_the_link_its_qr_code_opens(issued, patient):
    assert issued.patient_link == PatientLink.objects.live().get(patient=patient)


def test_a_rebranded_handout_records_its_link(issued, clinic, therapist):
    clinic.name = "Northside Physio and Rehab"
    clinic.save()

    rebranded = rebrand_handout(issued.prescription, therapist)

    assert rebranded.revision == 2
    assert rebranded.patient_link == issued.patient_link


def test_a_handout_gets_a_fresh_link_when_its_own_is_revoked_while_it_renders(
    issued, programme, therapist
):
    """The link is picked before the render and checked again when the handout is stored."""
    old = issued.patient_link
    asked = []

    def next_revision_revoking_the_link_on_the_store_check() -> dict:
        asked.append(1)
        if len(asked) == 2:
            revoke_link(old, therapist)
        return {**issued.snapshot, "revision": 2}

    handout = render_and_store(
        programme, next_revision_revoking_the_link_on_the_store_check, therapist
    )

    assert handout.patient_link != old
    assert handout.patient_link.is_live


# --- A new link keeps the older ones open by default --------------------------------------


def test_a_new_link_keeps_the_older_link_open_by_default(staff, issued, patient):
    old = issued.patient_link

    response = new_link(staff, patient)

    old.refresh_from_db()
    assert old.revoked_at is None
    assert opens(old) == 200
    assert PatientLink.objects.live().filter(patient=patient).count() == 2
    assert "New link created. The older links still open." in said(response)
    assert Handout.objects.count() == 1


def test_the_new_link_form_leaves_stop_the_older_links_unticked(staff, issued, patient):
    page = record_page(staff, patient)

    revoke_others = re.search(r'<input[^>]*name="revoke_others"[^>]*>', page).group()
    issue_again_box = re.search(r'<input[^>]*name="issue_again"[^>]*>', page).group()
    assert "checked" not in revoke_others
    assert "checked" in issue_again_box
    assert "Issue the current handout again with the new link's QR code" in page


def test_the_record_page_names_the_handouts_each_link_is_printed_on(staff, issued, patient):
    new_link(staff, patient)

    page = record_page(staff, patient)

    section = re.search(r'<section aria-labelledby="links-heading".*?</section>', page, re.S)
    new_row, old_row = re.findall(r"<tr>.*?</tr>", section.group(), re.S)[1:]  # newest first
    assert "Hip strength, version 1" in old_row
    assert "no handout" in new_row
    assert (
        "The current link's QR code is on: Hip strength, version 1. "
        "Stopping the older links stops these handouts from opening."
    ) in page


def test_the_revoke_button_warns_which_handouts_stop_opening(staff, issued, patient):
    page = record_page(staff, patient)

    assert "Stops Hip strength, version 1 from opening." in page


# --- Stopping the older links, and issuing again ------------------------------------------


def test_stopping_the_older_links_issues_the_handout_again_with_the_new_links_qr_code(
    staff, issued, patient, tmp_path
):
    old = issued.patient_link

    response = new_link(staff, patient, revoke_others="on", issue_again="on")

    new = PatientLink.objects.live().get(patient=patient)
    again = Handout.objects.get(prescription=issued.prescription, revision=2)
    assert qr_code_texts(stored_pdf(again), tmp_path) == [link_url(new)]
    assert again.patient_link == new
    assert opens(old) == 404
    assert opens(new) == 200
    assert said(response) == [
        "New link created. Older links no longer open. "
        "These handouts no longer open: Hip strength, version 1.",
        "Issued again: Hip strength, version 2, with the new link's QR code.",
    ]


def test_issuing_again_is_audited_like_every_issue(staff, issued, patient, therapist):
    new_link(staff, patient, revoke_others="on", issue_again="on")

    again = Handout.objects.get(revision=2)
    event = AuditEvent.objects.get(action=AuditAction.ISSUED, target_id=str(again.pk))
    assert event.actor == therapist


def test_issuing_again_prints_the_latest_issued_handout_not_the_unissued_draft(
    issued, programme, therapist
):
    PrescriptionItemFactory(
        prescription=programme, order=1, exercise=ExerciseFactory(name="Unreviewed squat")
    )
    revoke_link(issued.patient_link, therapist)

    again = issue_again(programme, therapist)

    assert again.snapshot == {**issued.snapshot, "revision": 2}
    text = pdf_text(stored_pdf(again))
    assert "Bridge lift" in text
    assert "Unreviewed squat" not in text


def test_stopping_the_older_links_without_issuing_again_offers_it_on_the_record_page(
    staff, issued, patient
):
    new_link(staff, patient, revoke_others="on")

    page = record_page(staff, patient)

    assert Handout.objects.count() == 1
    assert "The QR code on these handouts no longer opens: Hip strength, version 1." in page
    assert reverse("patients:link_issue_again", args=[patient.pk]) in page


def test_revoking_a_link_says_which_handouts_stop_opening(staff, issued, patient):
    url = reverse("patients:link_revoke", args=[issued.patient_link.pk])

    response = staff.post(url, follow=True)

    assert said(response) == [
        "The link is revoked and no longer opens. "
        "These handouts no longer open: Hip strength, version 1."
    ]
    page = html.unescape(response.content.decode())
    assert "The QR code on these handouts no longer opens: Hip strength, version 1." in page


def test_issuing_again_after_a_revoke_prints_a_link_that_opens(staff, issued, patient, tmp_path):
    staff.post(reverse("patients:link_revoke", args=[issued.patient_link.pk]))

    response = staff.post(reverse("patients:link_issue_again", args=[patient.pk]), follow=True)

    again = Handout.objects.get(revision=2)
    assert again.patient_link.is_live
    assert qr_code_texts(stored_pdf(again), tmp_path) == [link_url(again.patient_link)]
    assert "Issued again: Hip strength, version 2, with the new link's QR code." in said(response)
    assert "no longer opens" not in record_page(staff, patient)


def test_issuing_again_twice_issues_once(staff, issued, patient):
    staff.post(reverse("patients:link_revoke", args=[issued.patient_link.pk]))
    url = reverse("patients:link_issue_again", args=[patient.pk])

    staff.post(url, follow=True)
    response = staff.post(url, follow=True)

    assert list(Handout.objects.values_list("revision", flat=True).order_by("revision")) == [1, 2]
    assert said(response) == ["Nothing to issue again: every current handout still opens."]


def test_ended_programmes_are_not_issued_again(staff, issued, programme, patient):
    programme.status = PrescriptionStatus.ENDED
    programme.save()

    new_link(staff, patient, revoke_others="on", issue_again="on")

    assert Handout.objects.count() == 1
    assert "no longer opens:" not in record_page(staff, patient)


def test_another_clinics_staff_cannot_issue_again(client, other_clinic, issued, patient, therapist):
    revoke_link(issued.patient_link, therapist)
    client.force_login(UserFactory(clinic=other_clinic))

    response = client.post(reverse("patients:link_issue_again", args=[patient.pk]))

    assert response.status_code == 404
    assert Handout.objects.count() == 1


def test_a_kept_open_link_is_not_a_reason_to_issue_again(staff, issued, patient, therapist):
    create_link(patient, therapist)

    response = staff.post(reverse("patients:link_issue_again", args=[patient.pk]), follow=True)

    assert Handout.objects.count() == 1
    assert said(response) == ["Nothing to issue again: every current handout still opens."]
