"""Pain that needs an answer: the rules, what the patient sees, and what reaches staff."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent
from patients.alerts import earlier_median, pain_reason
from patients.links import create_link, link_path
from patients.models import Alert, AlertReason, SessionLog
from patients.patient_page import clinic_today
from tests.factories import (
    ClinicFactory,
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    SessionLogFactory,
    UserFactory,
)
from tests.reading import above_grade_6, sentences_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
NOTE = "Pain going down my left leg since the bridge"


@pytest.fixture
def patient(clinic, therapist):
    clinic.phone = "+44 (0)20 7946 0000"
    clinic.save()
    return PatientFactory(
        clinic=clinic, first_name="Marisol", last_name="Quenby", primary_therapist=therapist
    )


@pytest.fixture
def handout(patient, therapist):
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Back basics")
    return HandoutFactory(prescription=programme, revision=2, snapshot={"exercises": []})


@pytest.fixture
def page(patient, therapist, handout):
    return link_path(create_link(patient, therapist))


def check_url(page: str) -> str:
    return page + "check/"


def log(client, page, pain, note=""):
    return client.post(page, {"pain": "" if pain is None else str(pain), "note": note})


def earlier(patient, *scores):
    """Logs on the days before today, oldest first, with these pain scores."""
    today = clinic_today(patient)
    for days_ago, pain in enumerate(reversed(scores), start=1):
        SessionLogFactory(patient=patient, date=today - days_ago * DAY, pain=pain)


# --- The rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "median", "reason"),
    [
        (7, None, AlertReason.HIGH_PAIN),  # the alert score, on a first log
        (10, 9, AlertReason.HIGH_PAIN),  # high pain is an alert even when it is usual
        (6, None, None),
        (6, 3, AlertReason.PAIN_RISE),  # 3 above the median
        (5, 3, None),  # 2 above
        (6, 3.5, None),  # 2.5 above
        (4, 1, AlertReason.PAIN_RISE),
        (0, 0, None),
        (None, 2, None),  # "rather not say"
    ],
)
def test_pain_needs_an_answer_at_7_or_a_rise_of_3_over_the_median(clinic, pain, median, reason):
    assert pain_reason(pain, median, clinic) == reason


def test_the_clinics_settings_move_both_thresholds():
    clinic = ClinicFactory(alert_pain_at=8, alert_pain_rise=4)

    assert pain_reason(7, None, clinic) is None
    assert pain_reason(8, None, clinic) == AlertReason.HIGH_PAIN
    assert pain_reason(6, 3, clinic) is None
    assert pain_reason(7, 3, clinic) == AlertReason.PAIN_RISE


def test_the_median_is_of_the_last_three_scores_before_today(patient):
    earlier(patient, 9, 9, 2, None, 3, 8)  # oldest first; the 9s are more than three back
    SessionLogFactory(patient=patient, date=clinic_today(patient), pain=10)  # today's own

    assert earlier_median(patient, clinic_today(patient)) == 3


@pytest.mark.parametrize(
    ("scores", "median"), [((), None), ((None,), None), ((2,), 2), ((2, 5), 3.5)]
)
def test_with_fewer_than_three_earlier_scores_the_median_is_of_those_there_are(
    patient, scores, median
):
    earlier(patient, *scores)

    assert earlier_median(patient, clinic_today(patient)) == median


# --- What the patient sees --------------------------------------------------------------


def test_low_pain_gets_thanks_and_the_stop_box_and_no_alert(client, page, patient):
    response = log(client, page, 2, "Felt fine")

    assert response.status_code == 302 and response.url == page
    html = client.get(page).content.decode()
    assert "Thank you. Today&#x27;s session is saved." in html
    assert "Stop and call us if" in html and "Your pain was high today" not in html
    assert not Alert.objects.exists()


def test_pain_9_asks_to_stop_and_call_with_the_clinics_number(client, page, patient, therapist):
    response = log(client, page, 9, NOTE)

    assert response.status_code == 302 and response.url == check_url(page)
    html = client.get(check_url(page)).content.decode()
    assert "Please stop and rest" in html
    assert "You told us your pain was 9 out of 10." in html
    assert "Stop the exercises that hurt." in html
    assert 'href="tel:+442079460000"' in html
    assert html.count('type="radio"') == 2 * 4  # yes or no to each urgent sign
    alert = Alert.objects.get()
    assert (alert.patient, alert.therapist, alert.pain, alert.urgent) == (
        patient,
        therapist,
        9,
        False,
    )
    assert alert.session_log == SessionLog.objects.get(patient=patient)
    assert alert.reason == AlertReason.HIGH_PAIN


def test_a_rise_of_3_over_the_median_is_answered_too(client, page, patient):
    earlier(patient, 1, 2, 2)

    log(client, page, 5)

    html = client.get(check_url(page)).content.decode()
    assert "Your pain today is higher than it has been." in html
    alert = Alert.objects.get()
    assert (alert.reason, alert.earlier_median) == (AlertReason.PAIN_RISE, 2)


def test_a_pregnant_patient_is_also_asked_about_bleeding_and_cramps(client, page, patient):
    patient.conditions = ["pregnancy"]
    patient.save()
    log(client, page, 8)

    html = client.get(check_url(page)).content.decode()

    assert "Are you bleeding or leaking fluid, or do you have cramps that keep coming back?" in html
    assert html.count('type="radio"') == 2 * 5


def test_no_to_every_question_keeps_the_answers_and_the_advice_on_the_page(client, page):
    log(client, page, 8)

    response = client.post(
        check_url(page),
        {"numbness": "no", "bladder_bowel": "no", "weakness": "no", "both_legs": "no"},
    )

    assert response.status_code == 302 and response.url == page
    alert = Alert.objects.get()
    assert alert.answers == {
        "numbness": False,
        "bladder_bowel": False,
        "weakness": False,
        "both_legs": False,
    }
    assert not alert.urgent
    html = client.get(page).content.decode()
    assert "Your pain was high today" in html
    assert "your therapist has been told" in html
    assert "answer a few quick questions" not in html


def test_any_yes_shows_the_urgent_page_and_marks_the_alert_urgent(client, page):
    log(client, page, 8)

    response = client.post(
        check_url(page),
        {"numbness": "no", "bladder_bowel": "yes", "weakness": "no", "both_legs": "no"},
    )

    assert response.status_code == 302 and response.url == page + "urgent/"
    html = client.get(response.url).content.decode()
    assert "Get urgent medical help now" in html
    assert "Call your emergency number now. Or go to an emergency department." in html
    assert Alert.objects.get().urgent


def test_an_unanswered_question_saves_nothing_and_says_so(client, page):
    log(client, page, 8)

    response = client.post(check_url(page), {"numbness": "no"})

    assert response.status_code == 200
    assert "Please answer every question with yes or no." in response.content.decode()
    assert Alert.objects.get().answers == {}


def test_logging_again_the_same_day_updates_the_open_alert_rather_than_adding_one(client, page):
    log(client, page, 7)
    log(client, page, 9)

    assert Alert.objects.get().pain == 9


def test_the_check_page_without_an_alert_today_goes_back_to_the_programme(client, page):
    response = client.get(check_url(page))

    assert response.status_code == 302 and response.url == page


def test_the_check_page_of_an_unknown_token_is_the_usual_404(client):
    response = client.get("/p/" + "x" * 43 + "/check/")

    assert response.status_code == 404


# --- What reaches staff -----------------------------------------------------------------


def test_the_therapist_is_emailed_that_a_patient_needs_attention_and_nothing_more(
    client, page, therapist
):
    therapist.email = "alex@clinic.example"
    therapist.save()

    log(client, page, 9, NOTE)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alex@clinic.example"]
    assert email.subject == "A patient needs attention"
    text = email.subject + email.body
    alert = Alert.objects.get()
    assert f"/alerts/{alert.pk}/" in email.body
    for private in ("Marisol", "Quenby", NOTE, "left leg", "9", "Back basics"):
        assert private not in text.replace(f"/alerts/{alert.pk}/", "")


def test_an_urgent_answer_sends_a_second_email_marked_urgent(client, page, therapist):
    therapist.email = "alex@clinic.example"
    therapist.save()
    log(client, page, 9)

    client.post(
        check_url(page),
        {"numbness": "yes", "bladder_bowel": "no", "weakness": "no", "both_legs": "no"},
    )

    assert [email.subject for email in mail.outbox] == [
        "A patient needs attention",
        "Urgent: a patient needs attention",
    ]
    assert "numbness" not in mail.outbox[1].body


def test_the_email_is_in_the_therapists_language_not_the_patients(client, page, therapist):
    therapist.email = "alex@clinic.example"
    therapist.language = "es"
    therapist.save()

    log(client, page, 9)

    email = mail.outbox[0]
    assert email.subject == "Un paciente necesita atención"
    assert "Inicie sesión" in email.body and "Sign in" not in email.body


def test_a_clinic_can_turn_alert_emails_off(client, page, clinic, therapist):
    clinic.alert_emails = False
    clinic.save()
    therapist.email = "alex@clinic.example"
    therapist.save()

    log(client, page, 9)

    assert Alert.objects.count() == 1
    assert mail.outbox == []


def test_no_email_when_the_site_only_prints_email(client, page, therapist, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    therapist.email = "alex@clinic.example"
    therapist.save()

    log(client, page, 9)

    assert Alert.objects.count() == 1


def test_an_inactive_therapists_alerts_go_to_the_clinics_managers(
    client, page, clinic, therapist, manager, handout
):
    therapist.is_active = False
    therapist.save()
    manager.email = "boss@clinic.example"
    manager.save()

    log(client, page, 9)

    alert = Alert.objects.get()
    assert alert.therapist is None  # the programme's therapist is the same inactive one
    assert [email.to for email in mail.outbox] == [["boss@clinic.example"]]
    client.force_login(manager)
    html = client.get(reverse("patients:today")).content.decode()
    assert f'id="alert-{alert.pk}"' in html


def test_today_lists_open_alerts_first_urgent_marked_with_the_pain_answers_and_note(
    client, page, therapist
):
    log(client, page, 9, NOTE)
    client.post(
        check_url(page),
        {"numbness": "no", "bladder_bowel": "yes", "weakness": "no", "both_legs": "no"},
    )
    client.force_login(therapist)

    html = client.get(reverse("patients:today")).content.decode()

    attention = html[html.index("Needs attention now") : html.index("My active patients")]
    assert "Urgent" in attention and "Marisol Quenby" in attention
    assert "Pain 9" in attention
    assert "trouble starting to pass urine" in attention
    assert NOTE in attention
    assert html.index("Needs attention now") < html.index("My active patients")


def test_another_therapists_alert_is_not_on_my_today(client, page, clinic):
    log(client, page, 9)
    colleague = UserFactory(clinic=clinic)
    client.force_login(colleague)

    html = client.get(reverse("patients:today")).content.decode()

    assert "Needs attention now" not in html


def test_acknowledging_records_who_and_when_and_moves_the_alert_to_the_record(
    client, page, patient, therapist
):
    log(client, page, 9, NOTE)
    alert = Alert.objects.get()
    client.force_login(therapist)

    response = client.post(reverse("patients:alert_acknowledge", args=[alert.pk]), {"next": "/"})

    assert response.status_code == 302 and response.url == "/"
    alert.refresh_from_db()
    assert alert.acknowledged_by == therapist
    assert timezone.now() - alert.acknowledged_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action=AuditAction.ACKNOWLEDGED)
    assert (event.actor, event.target_id) == (therapist, str(alert.pk))
    assert "Needs attention now" not in client.get("/").content.decode()
    record = client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()
    assert f'id="alert-{alert.pk}"' in record
    assert f"Acknowledged by {therapist}" in record


def test_acknowledging_twice_keeps_the_first_name(client, page, therapist, clinic):
    log(client, page, 9)
    alert = Alert.objects.get()
    colleague = UserFactory(clinic=clinic)
    client.force_login(therapist)
    client.post(reverse("patients:alert_acknowledge", args=[alert.pk]))
    client.force_login(colleague)

    client.post(reverse("patients:alert_acknowledge", args=[alert.pk]))

    alert.refresh_from_db()
    assert alert.acknowledged_by == therapist
    assert AuditEvent.objects.filter(action=AuditAction.ACKNOWLEDGED).count() == 1


def test_another_clinics_staff_cannot_see_or_acknowledge_an_alert(client, page, other_clinic):
    log(client, page, 9)
    alert = Alert.objects.get()
    client.force_login(UserFactory(clinic=other_clinic))

    assert client.get(reverse("patients:alert", args=[alert.pk])).status_code == 404
    response = client.post(reverse("patients:alert_acknowledge", args=[alert.pk]))

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_emails_link_leads_to_the_alert_on_the_record(client, page, patient, therapist):
    log(client, page, 9)
    alert = Alert.objects.get()
    client.force_login(therapist)

    response = client.get(reverse("patients:alert", args=[alert.pk]))

    assert (
        response.url == reverse("patients:patient_detail", args=[patient.pk]) + f"#alert-{alert.pk}"
    )


def test_an_offsite_next_after_acknowledging_goes_to_the_record(client, page, patient, therapist):
    log(client, page, 9)
    alert = Alert.objects.get()
    client.force_login(therapist)

    response = client.post(
        reverse("patients:alert_acknowledge", args=[alert.pk]), {"next": "https://evil.example/"}
    )

    assert response.url == reverse("patients:patient_detail", args=[patient.pk])


# --- The record's timeline and Today's recent logs ---------------------------------------


def test_the_record_lists_every_log_newest_first_even_before_the_programme_starts(
    client, patient, therapist, handout
):
    programme = handout.prescription
    programme.start_date = timezone.localdate() + 3 * DAY
    programme.save()
    SessionLogFactory(
        patient=patient,
        date=timezone.localdate() - DAY,
        pain=2,
        note="Tried them early",
        prescription=programme,
        handout=handout,
    )
    SessionLogFactory(patient=patient, date=timezone.localdate(), pain=8, note="Sore today")
    client.force_login(therapist)

    html = client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    timeline = html[html.index(">Session log</h2>") :]
    assert timeline.index("Sore today") < timeline.index("Tried them early")
    assert "Back basics, version 2" in timeline
    assert '<span class="pain-high">8</span>' in timeline
    assert "No sessions logged yet" not in timeline


def test_today_shows_the_note_itself_and_marks_high_pain(client, patient, therapist):
    SessionLogFactory(patient=patient, date=timezone.localdate(), pain=9, note=NOTE)
    SessionLogFactory(patient=patient, date=timezone.localdate() - DAY, pain=1)
    client.force_login(therapist)

    html = client.get(reverse("patients:today")).content.decode()

    logs = html[html.index("Recent session logs") :]
    assert NOTE in logs
    assert '<span class="pain-high">pain 9</span>' in logs
    assert "pain 1" in logs and '<span class="pain-high">pain 1' not in logs


def test_what_the_pain_pages_and_the_reminders_box_say_reads_at_grade_6_or_below(
    client, page, patient
):
    patient.conditions = ["pregnancy"]
    patient.save()
    log(client, page, 8)
    pages = [client.get(check_url(page)), client.get(page + "urgent/"), client.get(page)]

    hard = []
    for response in pages:
        texts = sentences_of(response.content.decode())
        assert len(texts) >= 5
        hard.extend(above_grade_6(texts))
    assert hard == []
