"""Patients' private links: tokens, the patient's page, logging, limits and the email."""

import datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent
from patients.handouts import issue_handout
from patients.links import create_link, hash_token, link_path, open_link, token_for
from patients.models import PatientLink, PrescriptionStatus, SessionLog
from tests.factories import (
    ExerciseFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(
        clinic=clinic,
        first_name="Robin",
        condition="Hip osteoarthritis",
        email="robin@example.com",
        primary_therapist=therapist,
    )


@pytest.fixture
def issued(patient, therapist):
    """A programme with revision 1 issued and a newer draft edit that was never issued."""
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Outer hip set")
    PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(name="Clamshell"), order=0
    )
    handout = HandoutFactory(
        prescription=programme,
        revision=1,
        snapshot={
            "title": "Outer hip set",
            "review_date": "2026-12-20",
            "exercises": [
                {
                    "name": "Clamshell",
                    "purpose": "Strengthens the side of the hip.",
                    "steps": ["Lie on your side.", "Lift the top knee."],
                    "dose": "Do 3 sets of 10.",
                    "note": "Go slowly.",
                    "precautions": [],
                    "illustration": "",
                }
            ],
        },
    )
    handout.pdf.save("handouts/t/1-r1.pdf", ContentFile(b"%PDF-1.7 revision one"), save=True)
    # Edited after issuing: the draft's new exercise must not show to the patient.
    PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(name="Unissued draft move"), order=1
    )
    return handout


@pytest.fixture
def link(patient, therapist):
    return create_link(patient, therapist)


def page_url(link) -> str:
    return link_path(link)


# --- Tokens ----------------------------------------------------------------------------


def test_a_token_opens_its_own_patient_only(link, patient, clinic, therapist):
    other = create_link(PatientFactory(clinic=clinic), therapist)

    assert open_link(token_for(link)).patient == patient
    assert open_link(token_for(other)).patient != patient


def test_the_token_is_long_random_and_stored_only_as_a_hash(link, patient, therapist):
    token = token_for(link)
    second = create_link(patient, therapist)

    assert len(token) >= 43  # 256 bits, base64url
    assert token != token_for(second)
    assert link.token_hash == hash_token(token)
    # The raw token is in no column of any table.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s',
                    [f"%{token}%"],
                )
                assert cursor.fetchone()[0] == 0, f"token found in {table}.{column}"


def test_the_link_url_holds_the_token_and_nothing_else(link, patient):
    path = page_url(link)

    assert path == f"/p/{token_for(link)}/"
    assert str(patient.pk) not in path.replace(token_for(link), "")
    assert "robin" not in path.lower()


def test_a_new_link_can_revoke_the_old_ones(link, patient, therapist):
    old_token = token_for(link)

    new = create_link(patient, therapist, revoke_others=True)

    assert open_link(old_token) is None
    assert open_link(token_for(new)).patient == patient
    assert AuditEvent.objects.filter(action=AuditAction.REVOKED, target_id=str(link.pk)).exists()


def test_a_new_link_keeps_the_old_ones_when_asked(link, patient, therapist):
    create_link(patient, therapist, revoke_others=False)

    assert open_link(token_for(link)) is not None


def dead_link_urls(patient, therapist):
    expired = create_link(patient, therapist)
    PatientLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    revoked = create_link(patient, therapist)
    PatientLink.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    return {
        "expired": page_url(expired),
        "revoked": page_url(revoked),
        "random": "/p/" + "x" * 43 + "/",
        "short": "/p/abc/",
    }


def test_expired_revoked_and_unknown_tokens_get_the_same_404_page(client, patient, therapist):
    responses = {case: client.get(url) for case, url in dead_link_urls(patient, therapist).items()}

    assert {r.status_code for r in responses.values()} == {404}
    assert len({r.content for r in responses.values()}) == 1
    assert "ask your clinic for a new link" in responses["random"].content.decode().lower()


def test_a_discharged_patients_link_stops_opening(client, link, patient, issued):
    patient.is_active = False
    patient.save()

    assert client.get(page_url(link)).status_code == 404


# --- The patient's page ------------------------------------------------------------------


def test_the_page_shows_the_issued_programme_not_the_draft(client, link, issued):
    response = client.get(page_url(link))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Outer hip set" in html and "Clamshell" in html
    assert "Do 3 sets of 10." in html and "Go slowly." in html
    assert "Unissued draft move" not in html
    assert "20 December 2026" in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_page_shows_each_exercises_tips_and_what_to_take_care_with(
    client, link, patient, therapist
):
    programme = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(
        prescription=programme,
        exercise=ExerciseFactory(
            name="Knee hug",
            cues="Keep your shoulders relaxed.\nBreathe out as you pull the knee in.",
            precautions="Stop if pain spreads down your leg.",
        ),
    )
    issue_handout(programme, therapist)

    html = " ".join(client.get(page_url(link)).content.decode().split())

    assert (
        "<strong>Tips</strong> <ul><li>Keep your shoulders relaxed.</li>"
        "<li>Breathe out as you pull the knee in.</li></ul>" in html
    )
    assert (
        "<strong>Take care</strong> <ul><li>Stop if pain spreads down your leg.</li></ul>" in html
    )


def test_the_pdf_is_the_stored_revision_byte_for_byte(client, link, issued):
    response = client.get(reverse("public:patient_handout", args=[token_for(link)]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 revision one"


def test_a_patient_with_no_issued_handout_is_told_so_and_cannot_log(client, link, patient):
    client.post(page_url(link), {"pain": "3"})
    response = client.get(page_url(link))

    assert response.status_code == 200
    assert "has not given you an exercise programme yet" in response.content.decode()
    assert client.get(reverse("public:patient_handout", args=[token_for(link)])).status_code == 404
    assert not SessionLog.objects.filter(patient=patient).exists()


def test_views_and_downloads_are_audited_with_ids_only(client, link, issued):
    client.get(page_url(link))
    client.get(reverse("public:patient_handout", args=[token_for(link)]))

    events = AuditEvent.objects.filter(patient_link=link).order_by("created_at")
    assert [e.action for e in events] == [AuditAction.VIEWED, AuditAction.DOWNLOADED]
    for event in events:
        assert token_for(link) not in str(event.__dict__)
        assert event.target_id == str(issued.pk)


# --- Logging -----------------------------------------------------------------------------


def test_logging_a_session_saves_todays_entry_with_pain_and_note(client, link, patient, issued):
    response = client.post(page_url(link), {"pain": "3", "note": "Stiff in the morning"})

    assert response.status_code == 302
    log = SessionLog.objects.get(patient=patient)
    assert (log.pain, log.note, log.prescription) == (
        3,
        "Stiff in the morning",
        issued.prescription,
    )
    assert "Today&#x27;s session is saved" in client.get(page_url(link)).content.decode()


def test_a_second_log_on_the_same_day_updates_the_first(client, link, patient, issued):
    client.post(page_url(link), {"pain": "6", "note": "first"})
    client.post(page_url(link), {"pain": "2", "note": ""})

    log = SessionLog.objects.get(patient=patient)
    assert (log.pain, log.note) == (2, "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pain": "11"}, "Choose a pain score from 0 to 10."),
        ({"pain": "-1"}, "Choose a pain score from 0 to 10."),
        ({"pain": "lots"}, "Choose a pain score from 0 to 10."),
        ({"pain": "2", "note": "x" * 501}, "Please keep the note to 500 characters (it has 501)."),
    ],
)
def test_a_bad_log_is_refused_clearly_and_saves_nothing(
    client, link, patient, issued, data, message
):
    response = client.post(page_url(link), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SessionLog.objects.filter(patient=patient).exists()


def test_the_note_shows_its_limit_under_the_box(client, link, issued):
    html = client.get(page_url(link)).content.decode()

    assert 'maxlength="500" aria-describedby="id_note_helptext"' in html
    assert '<div class="form-text mb-3" id="id_note_helptext">Up to 500 characters.</div>' in html


def test_the_log_date_is_the_clinics_date(client, link, patient, clinic, issued, monkeypatch):
    # 23:30 UTC on 1 March is already 2 March in Auckland.
    clinic.timezone = "Pacific/Auckland"
    clinic.save()
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    PatientLink.objects.filter(pk=link.pk).update(expires_at=moment + datetime.timedelta(days=1))

    client.post(page_url(link), {"pain": "1"})

    assert SessionLog.objects.get(patient=patient).date == datetime.date(2026, 3, 2)


def test_logging_needs_the_csrf_token(link, patient):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(page_url(link), {"pain": "1"})

    assert response.status_code == 403
    assert not SessionLog.objects.exists()


# --- Rate limits ------------------------------------------------------------------------


def test_the_request_past_the_limit_gets_429(client, link, settings):
    settings.PATIENT_LINK_RATE = "5/m"

    statuses = [client.get(page_url(link)).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


def test_a_patients_normal_use_stays_under_the_limits(client, link, issued):
    # A busy day: open the page, download the PDF twice, log, look again, several times.
    statuses = []
    for _ in range(5):
        statuses.append(client.get(page_url(link)).status_code)
        statuses.append(
            client.get(reverse("public:patient_handout", args=[token_for(link)])).status_code
        )
        statuses.append(client.post(page_url(link), {"pain": "2"}, follow=True).status_code)
    assert set(statuses) == {200}


def test_wrong_tokens_from_one_address_are_limited_too(client, settings):
    settings.PATIENT_IP_RATE = "10/m"

    statuses = [client.get(f"/p/{'y' * 40}{n:03d}/").status_code for n in range(11)]

    assert statuses == [404] * 10 + [429]


# --- Staff: creating, revoking and emailing links ---------------------------------------


def test_emailing_the_link_sends_it_with_no_health_details(client, therapist, patient, issued):
    client.force_login(therapist)

    response = client.post(reverse("patients:link_email", args=[patient.pk]))

    assert response.status_code == 302
    (message,) = mail.outbox
    link = PatientLink.objects.get(patient=patient)
    assert message.to == ["robin@example.com"]
    assert f"http://127.0.0.1:8000/p/{token_for(link)}/" in message.body
    assert patient.clinic.name in message.body
    for private in ("Hip osteoarthritis", "Outer hip set", "Clamshell", "Robin"):
        assert private not in message.body and private not in message.subject


def test_staff_create_and_revoke_links_from_the_patient_page(client, therapist, patient):
    client.force_login(therapist)

    client.post(reverse("patients:link_create", args=[patient.pk]), {"days": "30"})
    link = PatientLink.objects.get(patient=patient)
    client.post(reverse("patients:link_revoke", args=[link.pk]))

    link.refresh_from_db()
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == 30
    assert link.revoked_at is not None


def test_another_clinics_staff_cannot_touch_the_links(client, other_clinic, patient, link):
    from tests.factories import UserFactory

    client.force_login(UserFactory(clinic=other_clinic))

    assert client.post(reverse("patients:link_revoke", args=[link.pk])).status_code == 404
    assert client.post(reverse("patients:link_create", args=[patient.pk])).status_code == 404
    assert client.post(reverse("patients:link_email", args=[patient.pk])).status_code == 404
    assert PatientLink.objects.get(pk=link.pk).revoked_at is None
    assert mail.outbox == []


def test_issuing_a_handout_makes_a_link_when_there_is_none(patient, therapist):
    from patients.handouts import issue_handout

    programme = PrescriptionFactory(
        patient=patient, therapist=therapist, status=PrescriptionStatus.ACTIVE
    )
    PrescriptionItemFactory(prescription=programme)

    issue_handout(programme, therapist)
    issue_handout(programme, therapist)

    assert PatientLink.objects.filter(patient=patient).count() == 1
