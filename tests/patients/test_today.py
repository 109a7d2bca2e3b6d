"""The Today page: the therapist's patients, reviews due, drafts and recent logs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
    UserFactory,
    issued_on,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def section(html: str, heading: str) -> str:
    """The part of the page under one heading, up to the next section."""
    start = html.index(f">{heading}</h2>")
    end = html.find("<section", start)
    return html[start : end if end != -1 else None]


def test_today_shows_each_list_with_the_right_rows(staff_client, clinic, other_clinic, therapist):
    colleague = UserFactory(clinic=clinic)
    mine = PatientFactory(clinic=clinic, first_name="Mine", primary_therapist=therapist)
    PatientFactory(clinic=clinic, first_name="Colleagues", primary_therapist=colleague)
    PatientFactory(
        clinic=clinic, first_name="Discharged", primary_therapist=therapist, is_active=False
    )
    PrescriptionFactory(
        patient=mine,
        title="Overdue review",
        review_date=timezone.localdate() - DAY,
        status="active",
    )
    PrescriptionFactory(
        patient=mine, title="Review next month", review_date=timezone.localdate() + 30 * DAY
    )
    PrescriptionFactory(
        patient=mine, title="Ended long ago", review_date=timezone.localdate() - DAY, status="ended"
    )
    PrescriptionFactory(patient=mine, title="Unissued draft", status="draft")
    issued_draft = PrescriptionFactory(patient=mine, title="Issued draft", status="draft")
    HandoutFactory(prescription=issued_draft)
    SessionLogFactory(patient=mine, date=timezone.localdate(), pain=4)
    theirs = PatientFactory(clinic=other_clinic, first_name="Elsewhere")
    PrescriptionFactory(patient=theirs, title="Their draft", review_date=timezone.localdate())
    SessionLogFactory(patient=theirs, date=timezone.localdate())

    html = staff_client.get(reverse("patients:today")).content.decode()

    patients = section(html, "My active patients")
    assert "Mine " in patients
    assert "Colleagues" not in patients and "Discharged" not in patients
    reviews = section(html, "Reviews due")
    assert "Overdue review" in reviews
    assert "Review next month" not in reviews and "Ended long ago" not in reviews
    drafts = section(html, "Drafts not yet issued")
    assert "Unissued draft" in drafts and "Issued draft" not in drafts
    logs = section(html, "Recent session logs")
    assert "pain 4" in logs and "Elsewhere" not in logs
    assert "Their draft" not in html


def test_today_uses_the_same_queries_for_5_and_50_rows(staff_client, clinic, therapist):
    counts = []
    for size in (5, 50):
        for n in range(size):
            patient = PatientFactory(clinic=clinic, primary_therapist=therapist)
            PrescriptionFactory(patient=patient, review_date=timezone.localdate(), status="draft")
            SessionLogFactory(patient=patient, date=timezone.localdate() - n * DAY)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("patients:today")).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_my_patients_show_this_weeks_sessions_against_the_days_asked(
    staff_client, clinic, therapist
):
    patient = PatientFactory(clinic=clinic, first_name="Dana", primary_therapist=therapist)
    programme = PrescriptionFactory(patient=patient, status="active")
    issued_on(programme, timezone.localdate() - 20 * DAY)
    PrescriptionItemFactory(prescription=programme, days_per_week=5)
    PrescriptionItemFactory(prescription=programme, days_per_week=3)
    for days_ago in (0, 2, 4, 9):  # three inside the last 7 days, one before
        SessionLogFactory(patient=patient, date=timezone.localdate() - days_ago * DAY)
    PatientFactory(clinic=clinic, first_name="Noprog", primary_therapist=therapist)

    html = section(
        staff_client.get(reverse("patients:today")).content.decode(), "My active patients"
    )

    assert "3 of 5 (60%)" in html
    assert "No programme issued yet" in html


def test_a_programme_starting_tomorrow_shows_its_start_not_a_percentage_on_today(
    staff_client, clinic, therapist
):
    today = timezone.localdate()
    patient = PatientFactory(clinic=clinic, primary_therapist=therapist)
    programme = PrescriptionFactory(patient=patient, status="active", start_date=today + DAY)
    issued_on(programme, today)
    SessionLogFactory(patient=patient, date=today)

    html = section(
        staff_client.get(reverse("patients:today")).content.decode(), "My active patients"
    )

    assert f"Starts {(today + DAY):%-d %b}" in html
    assert "%" not in html


def test_on_a_programmes_first_day_today_counts_only_a_logged_day(staff_client, clinic, therapist):
    today = timezone.localdate()
    logged = PatientFactory(clinic=clinic, first_name="Logged", primary_therapist=therapist)
    waiting = PatientFactory(clinic=clinic, first_name="Waiting", primary_therapist=therapist)
    for patient in (logged, waiting):
        issued_on(PrescriptionFactory(patient=patient, status="active", start_date=today), today)
    SessionLogFactory(patient=logged, date=today)

    html = section(
        staff_client.get(reverse("patients:today")).content.decode(), "My active patients"
    )

    assert "1 of 1 (100%)" in html
    assert "0 logged, nothing due yet" in html
    assert "of 7" not in html
