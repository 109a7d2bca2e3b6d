"""Outcome measures end to end on a phone-sized Chromium (issue 20): a due PSFS shows on the
patient's page, the patient names three activities and rates them, a later answer rates the
same ones, and the therapist sees the chart and the change in words on the record."""

import datetime

import pytest
from django.utils import timezone

from patients.handouts import issue_handout
from patients.links import link_url
from patients.models import (
    Handout,
    Measure,
    MeasureAnswer,
    MeasureSchedule,
    PatientLink,
    PrescriptionStatus,
)
from patients.outcomes import day_words, load_measures
from tests.e2e.conftest import accessibility_violations, log_in
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)

PHONE = {"width": 390, "height": 844}
ACTIVITIES = ["Climbing stairs", "Putting on socks", "Getting out of the car"]


@pytest.fixture
def programme(transactional_db, clinic, therapist, settings, live_server):
    """Kim Lee's issued programme, asking for the PSFS every week."""
    settings.SITE_URL = live_server.url
    load_measures()
    patient = PatientFactory(clinic=clinic, first_name="Kim", last_name="Lee")
    programme = PrescriptionFactory(
        patient=patient, therapist=therapist, title="Back care", status=PrescriptionStatus.ACTIVE
    )
    PrescriptionItemFactory(
        prescription=programme, order=0, exercise=ExerciseFactory(clinic=None, name="Knee hug")
    )
    issue_handout(programme, therapist)
    MeasureSchedule.objects.create(
        prescription=programme,
        measure=Measure.objects.get(slug="psfs"),
        every_weeks=1,
        created_by=therapist,
    )
    return programme


def rate(phone, ratings: list[int]) -> None:
    scales = phone.locator(".measure-question fieldset")
    for number, rating in enumerate(ratings):
        scales.nth(number).get_by_label(str(rating), exact=True).check()


def test_a_due_psfs_is_answered_on_a_phone_and_the_therapist_sees_the_change(
    new_page, base_url, therapist, programme
):
    patient = programme.patient
    phone = new_page(**PHONE)
    phone.goto(link_url(PatientLink.objects.get(patient=patient)))

    box = phone.get_by_role("region", name="3 quick questions")
    assert box.is_visible()
    box.get_by_role("link", name="Answer the questions").click()
    phone.get_by_role("heading", name="A few quick questions").wait_for()
    for number, name in enumerate(ACTIVITIES, start=1):
        phone.get_by_label(f"Activity {number}:").fill(name)
    rate(phone, [3, 2, 4])
    problems = accessibility_violations(phone)
    phone.get_by_role("button", name="Send my answers").click()

    phone.get_by_text("Thank you. Your answers are saved.").wait_for()
    assert phone.get_by_text("quick questions").count() == 0
    first = MeasureAnswer.objects.get()
    assert first.values["activities"] == [
        [n, p] for n, p in zip(ACTIVITIES, [3, 2, 4], strict=True)
    ]

    # A week and a day later (the dates moved back in the database), the PSFS is due again.
    earlier = timezone.now() - datetime.timedelta(days=8)
    Handout.objects.filter(prescription=programme).update(issued_at=earlier)
    MeasureAnswer.objects.update(answered_on=timezone.localdate(earlier))
    phone.reload()
    phone.get_by_role("region", name="3 quick questions").get_by_role(
        "link", name="Answer the questions"
    ).click()
    assert phone.locator('.measure-question input[type="text"]').count() == 0
    for name in ACTIVITIES:
        assert phone.get_by_role("group", name=name).is_visible()
    rate(phone, [6, 5, 6])
    problems += accessibility_violations(phone)
    phone.get_by_role("button", name="Send my answers").click()
    phone.get_by_text("Thank you. Your answers are saved.").wait_for()

    desk = new_page()
    log_in(desk, base_url, therapist)
    desk.goto(f"{base_url}/patients/{patient.pk}/")
    since = day_words(timezone.localdate(earlier))
    sentence = desk.get_by_text(f"PSFS up 2.67 points since {since}: a meaningful improvement")
    assert sentence.is_visible()
    chart = desk.locator(".measure-chart svg")
    assert chart.locator("title").first.text_content().startswith("PSFS score from 0 to 10")
    assert chart.locator(".point").count() == 2
    assert desk.locator(".measure-answers tbody tr").count() == 2
    problems += accessibility_violations(desk)
    assert problems == []
