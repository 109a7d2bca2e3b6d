"""Outcome measures for staff (issue 20 §2-3): attaching them to a programme, answers given
in the clinic and corrections, the record's charts and sentences, and Today's list."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent, User
from patients.models import (
    Measure,
    MeasureAnswer,
    MeasureSchedule,
    Patient,
    PrescriptionStatus,
)
from patients.outcomes import load_measures, record_answer
from patients.patient_page import clinic_today
from tests.factories import (
    ClinicFactory,
    PatientFactory,
    PrescriptionFactory,
    UserFactory,
    issued_on,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
STAIRS = ["Climbing stairs", "Putting on socks", "Gardening"]


@pytest.fixture
def measures():
    load_measures()
    return {measure.slug: measure for measure in Measure.objects.all()}


@pytest.fixture
def patient(clinic, therapist):
    """A patient whose record was made a year ago."""
    patient = PatientFactory(
        clinic=clinic, first_name="Robin", last_name="Hale", primary_therapist=therapist
    )
    Patient.objects.filter(pk=patient.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=365)
    )
    patient.refresh_from_db()
    return patient


@pytest.fixture
def today(patient):
    return clinic_today(patient)


@pytest.fixture
def programme(patient, therapist, today):
    programme = PrescriptionFactory(
        patient=patient, therapist=therapist, status=PrescriptionStatus.ACTIVE, title="Hip plan"
    )
    issued_on(programme, today - 30 * DAY)
    return programme


@pytest.fixture
def staff(client, therapist):
    client.force_login(therapist)
    return client


def ask(programme, measure, therapist, **when):
    return MeasureSchedule.objects.create(
        prescription=programme, measure=measure, created_by=therapist, **when
    )


def psfs(*points, names=STAIRS) -> dict:
    return {"activities": [[name, point] for name, point in zip(names, points, strict=True)]}


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- Attaching measures to a programme -------------------------------------------------------


def test_the_programme_page_lists_its_measures_with_when_each_is_next_due(
    staff, programme, measures, therapist, today
):
    ask(programme, measures["psfs"], therapist, every_weeks=2, at_review=False)
    record_answer(programme.patient, measures["psfs"], psfs(3, 2, 4), answered_on=today - 3 * DAY)

    page = text_of(staff.get(reverse("patients:programme_detail", args=[programme.pk])))

    next_day = today + 11 * DAY
    assert "Outcome measures" in page
    assert (
        f"Patient-Specific Functional Scale At the first handout, then every 2 weeks · "
        f"next due {next_day.day} {next_day:%b %Y}" in page
    )


def test_adding_a_measure_saves_its_schedule_and_is_audited(staff, programme, measures, therapist):
    response = staff.post(
        reverse("patients:measure_schedule_add", args=[programme.pk]),
        {"measure": measures["nprs"].pk, "every_weeks": "4", "at_review": "on"},
    )

    assert response.status_code == 302
    schedule = MeasureSchedule.objects.get()
    assert (schedule.measure, schedule.every_weeks, schedule.at_review) == (
        measures["nprs"],
        4,
        True,
    )
    assert schedule.created_by == therapist
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATED, target_type="patients.measureschedule"
    ).exists()
    page = staff.get(response["Location"]).content.decode()
    assert "Pain rating added to this programme." in page


def test_a_measure_already_attached_is_not_offered_again(staff, programme, measures, therapist):
    ask(programme, measures["nprs"], therapist)

    response = staff.post(
        reverse("patients:measure_schedule_add", args=[programme.pk]),
        {"measure": measures["nprs"].pk, "at_review": "on"},
    )

    assert response.status_code == 400
    assert "The measure was not added." in response.content.decode()
    assert MeasureSchedule.objects.count() == 1


def test_a_bad_number_of_weeks_is_refused_and_nothing_is_saved(staff, programme, measures):
    response = staff.post(
        reverse("patients:measure_schedule_add", args=[programme.pk]),
        {"measure": measures["nprs"].pk, "every_weeks": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Then every (weeks):" in page
    assert not MeasureSchedule.objects.exists()


def test_another_clinics_own_measure_cannot_be_added(staff, programme, measures, tmp_path):
    theirs = Measure.objects.create(
        clinic=ClinicFactory(),
        slug="their-index",
        name="Their index",
        short_name="TI",
        definition=measures["nprs"].definition,
    )

    response = staff.post(
        reverse("patients:measure_schedule_add", args=[programme.pk]), {"measure": theirs.pk}
    )

    assert response.status_code == 400
    assert "Their index" not in response.content.decode()
    assert not MeasureSchedule.objects.exists()


def test_removing_a_measure_keeps_its_answers(staff, programme, measures, therapist, today):
    schedule = ask(programme, measures["nprs"], therapist)
    record_answer(programme.patient, measures["nprs"], {"items": {"pain": 5}}, answered_on=today)

    response = staff.post(reverse("patients:measure_schedule_remove", args=[schedule.pk]))

    assert response.status_code == 302
    assert not MeasureSchedule.objects.exists()
    assert MeasureAnswer.objects.count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETED, target_type="patients.measureschedule"
    ).exists()


# --- Answers given in the clinic, and corrections --------------------------------------------


def test_staff_enter_answers_given_in_the_clinic_with_their_day(
    staff, patient, programme, measures, therapist, today
):
    ask(programme, measures["psfs"], therapist)
    url = reverse("patients:measure_answer_new", args=[patient.pk, measures["psfs"].pk])
    data = {"answered_on": (today - DAY).isoformat()}
    for number, name in enumerate(STAIRS, start=1):
        data |= {f"activity_{number}": name, f"rating_{number}": str(number + 1)}

    response = staff.post(url, data)

    assert response.status_code == 302
    answer = MeasureAnswer.objects.get()
    assert answer.entered_by == therapist and answer.patient_link is None
    assert answer.answered_on == today - DAY
    assert answer.prescription == programme
    assert answer.values == psfs(2, 3, 4)
    record = text_of(staff.get(reverse("patients:patient_detail", args=[patient.pk])))
    assert f"Entered by {therapist}" in record


@pytest.mark.parametrize(
    ("days", "error"),
    [(1, "The day cannot be in the future."), (-400, "before the patient&#x27;s record began")],
)
def test_a_day_in_the_future_or_before_the_record_is_refused(
    staff, patient, measures, today, days, error
):
    url = reverse("patients:measure_answer_new", args=[patient.pk, measures["nprs"].pk])

    response = staff.post(url, {"answered_on": (today + days * DAY).isoformat(), "item_pain": "4"})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not MeasureAnswer.objects.exists()


def test_correcting_an_answer_saves_a_correction_and_strikes_the_old_one(
    staff, patient, measures, therapist, today
):
    first = record_answer(
        patient, measures["nprs"], {"items": {"pain": 7}}, answered_on=today - 5 * DAY
    )
    url = reverse("patients:measure_answer_correct", args=[first.pk])
    assert 'value="7" id="id_item_pain_7" required checked' in staff.get(url).content.decode()

    response = staff.post(url, {"item_pain": "2"})

    assert response.status_code == 302
    correction = MeasureAnswer.objects.get(corrects=first)
    assert correction.values == {"items": {"pain": 2}}
    assert correction.answered_on == first.answered_on
    assert correction.entered_by == therapist
    page = staff.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()
    assert "<del>7</del>" in page
    assert f"Corrected by {therapist} on {today.day} {today:%b %Y}" in text_of_html(page)
    # The corrected answer has no "Correct this answer" link any more; the correction has.
    assert reverse("patients:measure_answer_correct", args=[first.pk]) not in page
    assert reverse("patients:measure_answer_correct", args=[correction.pk]) in page


def text_of_html(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_corrected_answer_cannot_be_corrected_again(staff, patient, measures, today):
    first = record_answer(patient, measures["nprs"], {"items": {"pain": 7}}, answered_on=today)
    record_answer(patient, measures["nprs"], {"items": {"pain": 6}}, corrects=first)

    response = staff.get(reverse("patients:measure_answer_correct", args=[first.pk]))

    assert response.status_code == 404


def test_correcting_a_later_psfs_keeps_the_activities(staff, patient, measures, today):
    record_answer(patient, measures["psfs"], psfs(3, 3, 3), answered_on=today - 20 * DAY)
    later = record_answer(patient, measures["psfs"], psfs(5, 5, 5), answered_on=today - 2 * DAY)
    url = reverse("patients:measure_answer_correct", args=[later.pk])

    page = staff.get(url).content.decode()
    response = staff.post(url, {"rating_1": "6", "rating_2": "5", "rating_3": "4"})

    assert 'type="text"' not in page
    assert response.status_code == 302
    assert MeasureAnswer.objects.get(corrects=later).values == psfs(6, 5, 4)


# --- Seeing progress on the record -----------------------------------------------------------


def test_the_record_charts_each_measure_with_its_band_and_sentence(staff, patient, measures, today):
    baseline = datetime.date(today.year - 1, 11, 3)
    record_answer(patient, measures["psfs"], psfs(3, 2, 4), answered_on=baseline)
    record_answer(patient, measures["psfs"], psfs(6, 5, 6), answered_on=baseline + 28 * DAY)

    response = staff.get(reverse("patients:patient_detail", args=[patient.pk]))

    page = response.content.decode()
    assert "PSFS up 2.67 points since 3 November: a meaningful improvement" in page
    assert "Activities the patient named: Climbing stairs; Putting on socks; Gardening." in page
    chart = page.split('<figure class="measure-chart">')[1].split("</figure>")[0]
    assert "<title" in chart and "PSFS score from 0 to 10 at each answer" in chart
    assert chart.count('class="point"') == 2
    # The band: the baseline (3) plus or minus 2 points, from 5 down to 1 on a 0-10 scale.
    band = re.search(
        r'class="measure-band" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', chart
    )
    plot_h = 220 - 12 - 28
    assert float(band[1]) == pytest.approx(12 + plot_h * 5 / 10, abs=0.1)
    assert float(band[2]) == pytest.approx(plot_h * 4 / 10, abs=0.2)
    table = page.split('class="table table-sm w-auto measure-answers"')[1].split("</table>")[0]
    assert "5.67" in table and ">3<" in table and "Climbing stairs" in table


def test_a_single_answer_says_the_change_shows_from_the_next(staff, patient, measures, today):
    record_answer(patient, measures["nprs"], {"items": {"pain": 6}}, answered_on=today)

    page = text_of(staff.get(reverse("patients:patient_detail", args=[patient.pk])))

    assert (
        f"First answered on {today.day} {today:%B %Y}: 6. The change shows from the next answer."
        in page
    )


def test_the_record_offers_entering_answers_for_the_clinics_measures(staff, patient, measures):
    page = staff.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    for measure in measures.values():
        assert reverse("patients:measure_answer_new", args=[patient.pk, measure.pk]) in page


# --- Today ------------------------------------------------------------------------------------


def test_today_lists_patients_with_a_measure_due_overdue_first(
    staff, clinic, therapist, programme, measures, today
):
    ask(programme, measures["psfs"], therapist)  # due since the first handout, 30 days ago
    recent = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic, first_name="Ada", last_name="Ames"),
        therapist=therapist,
        status=PrescriptionStatus.ACTIVE,
    )
    issued_on(recent, today - DAY)
    ask(recent, measures["nprs"], therapist)
    answered = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic, first_name="Done", last_name="Already"),
        therapist=therapist,
        status=PrescriptionStatus.ACTIVE,
    )
    issued_on(answered, today - DAY)
    ask(answered, measures["nprs"], therapist)
    record_answer(answered.patient, measures["nprs"], {"items": {"pain": 3}}, answered_on=today)

    page = text_of(staff.get(reverse("patients:today")))

    section = page.split("Measures due")[1].split("Drafts not yet issued")[0]
    assert section.index("Robin Hale") < section.index("Ada Ames")
    assert "Overdue PSFS due since" in section
    assert "Done Already" not in section


def test_today_leaves_out_other_clinics_patients(
    client, programme, measures, therapist, other_clinic
):
    ask(programme, measures["psfs"], therapist)
    client.force_login(UserFactory(clinic=other_clinic))

    page = text_of(client.get(reverse("patients:today")))

    assert "Robin Hale" not in page
    assert "No patient has a measure due." in page


def test_today_needs_few_queries_however_many_patients_are_due(
    staff, clinic, therapist, measures, today, django_assert_max_num_queries
):
    for _ in range(6):
        programme = PrescriptionFactory(
            patient=PatientFactory(clinic=clinic),
            therapist=therapist,
            status=PrescriptionStatus.ACTIVE,
        )
        issued_on(programme, today - DAY)
        ask(programme, measures["psfs"], therapist)
    staff.get(reverse("patients:today"))

    with django_assert_max_num_queries(25):
        staff.get(reverse("patients:today"))


# --- Another clinic's staff -------------------------------------------------------------------


def test_another_clinics_staff_get_404_for_every_measure_url(
    client, patient, programme, measures, therapist, other_clinic, today
):
    schedule = ask(programme, measures["nprs"], therapist)
    answer = record_answer(patient, measures["nprs"], {"items": {"pain": 5}}, answered_on=today)
    client.force_login(UserFactory(clinic=other_clinic))

    for method, url in [
        ("post", reverse("patients:measure_schedule_add", args=[programme.pk])),
        ("post", reverse("patients:measure_schedule_remove", args=[schedule.pk])),
        ("get", reverse("patients:measure_answer_new", args=[patient.pk, measures["nprs"].pk])),
        ("post", reverse("patients:measure_answer_new", args=[patient.pk, measures["nprs"].pk])),
        ("get", reverse("patients:measure_answer_correct", args=[answer.pk])),
        ("post", reverse("patients:measure_answer_correct", args=[answer.pk])),
    ]:
        assert getattr(client, method)(url, {"measure": measures["psfs"].pk}).status_code == 404, (
            url
        )
    assert MeasureSchedule.objects.count() == 1 and MeasureAnswer.objects.count() == 1


# --- Demo data --------------------------------------------------------------------------------


def test_the_demo_shows_a_chart_and_a_sentence_and_a_psfs_due(client, settings):
    settings.DEBUG = True  # demo data is for development
    call_command("bootstrap", verbosity=0, stdout=io.StringIO())
    maria = Patient.objects.get(chart_number="N-1001")
    client.force_login(User.objects.get(username="northside-therapist"))

    record = client.get(reverse("patients:patient_detail", args=[maria.pk])).content.decode()
    today_page = text_of(client.get(reverse("patients:today")))

    assert "PSFS up 2.67 points since" in record and ": a meaningful improvement" in record
    assert "Pain down 3 points since" in record
    assert record.count('<figure class="measure-chart">') == 2
    assert "Daniel Lindqvist (N-1002) Overdue PSFS due since" in today_page
    # Run again: nothing more.
    call_command("bootstrap", verbosity=0, stdout=io.StringIO())
    assert MeasureAnswer.objects.filter(patient=maria).count() == 4


def test_a_draft_programmes_measures_wait_for_it_to_be_active(
    staff, programme, measures, therapist
):
    ask(programme, measures["nprs"], therapist)
    programme.status = PrescriptionStatus.DRAFT
    programme.save()

    page = text_of(staff.get(reverse("patients:programme_detail", args=[programme.pk])))

    assert (
        "Pain rating At the first handout, then at the review date · asked once the programme is active"
        in page
    )


def test_the_admins_programme_page_lists_its_measures(staff, programme, measures, therapist):
    ask(programme, measures["psfs"], therapist, every_weeks=3)

    page = staff.get(reverse("admin:patients_prescription_change", args=[programme.pk]))

    text = text_of(page)
    assert page.status_code == 200
    assert "Outcome measures (attached on the programme" in text
    assert "Patient-Specific Functional Scale 3" in text
