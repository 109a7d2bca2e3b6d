"""Adherence and pain over time, on an example worked out by hand."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from patients.adherence import progress, progress_context
from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
    issued_on,
)
from tests.patients.test_today import section

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2026, 3, 18)  # a Wednesday, in the programme's third week

# Day logged -> pain (None: logged without a score). Week 1 is 2 to 8 March.
LOGS = {
    D(2026, 3, 2): 6,
    D(2026, 3, 3): 5,
    D(2026, 3, 4): 5,
    D(2026, 3, 6): 4,
    D(2026, 3, 7): None,
    D(2026, 3, 8): 4,  # six days in week 1: more than the five asked
    D(2026, 3, 10): 3,
    D(2026, 3, 12): 3,  # two days in week 2
    D(2026, 3, 16): 2,  # one day so far in week 3 (16 to 18 March)
}


@pytest.fixture
def patient(clinic):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(
        patient=patient, status="active", start_date=D(2026, 3, 2), review_date=D(2026, 4, 13)
    )
    issued_on(programme, D(2026, 2, 26))  # handed over before the start date
    PrescriptionItemFactory(prescription=programme, days_per_week=5)
    PrescriptionItemFactory(prescription=programme, days_per_week=3)
    for day, pain in LOGS.items():
        SessionLogFactory(patient=patient, prescription=programme, date=day, pain=pain)
    SessionLogFactory(patient=patient, date=D(2026, 2, 27), pain=9)  # before the start
    SessionLogFactory(patient=PatientFactory(clinic=clinic), date=D(2026, 3, 11))  # someone else
    return patient


def test_weekly_adherence_matches_the_hand_count(patient):
    result = progress(patient, TODAY)

    assert [(w.start, w.end, w.done, w.asked, w.percent) for w in result.weeks] == [
        (D(2026, 3, 2), D(2026, 3, 8), 6, 5, 100),
        (D(2026, 3, 9), D(2026, 3, 15), 2, 5, 40),
        (D(2026, 3, 16), D(2026, 3, 18), 1, 2, 50),  # today (18th) is not logged yet
    ]
    # (5 + 2 + 1) of (5 + 5 + 2): extra days in week 1 do not make up for week 2.
    assert result.percent == 67


def test_pain_over_time_lists_every_logged_day_since_the_start(patient):
    result = progress(patient, TODAY)

    assert [(log.date, log.pain) for log in result.logs] == list(LOGS.items())


def test_the_chart_has_one_point_per_logged_day_and_a_line_through_the_scores(patient):
    html = render_to_string("patients/_progress.html", progress_context(patient, TODAY))
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)

    assert svg.count('class="point"') == len(LOGS) == 9
    assert len(re.search(r'points="([^"]+)"', svg).group(1).split()) == 8  # scored days
    assert "7 Mar: logged, no pain score" in svg
    assert "2 Mar: pain 6" in svg and "16 Mar: pain 2" in svg
    assert "<title" in svg and 'role="img"' in svg
    assert "67%" in html


def test_the_figures_are_also_a_table(patient):
    html = render_to_string("patients/_progress.html", progress_context(patient, TODAY))

    assert "<td>Mon 2 Mar 2026</td><td>6</td>" in html
    assert "<td>Sat 7 Mar 2026</td><td>not given</td>" in html


def test_highest_point_is_pain_10_and_lowest_is_0(clinic):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(patient=patient, status="active", start_date=D(2026, 3, 2))
    issued_on(programme, D(2026, 3, 2))
    SessionLogFactory(patient=patient, prescription=programme, date=D(2026, 3, 2), pain=10)
    SessionLogFactory(patient=patient, prescription=programme, date=D(2026, 3, 9), pain=0)

    chart = progress_context(patient, D(2026, 3, 9))["pain_chart"]
    high, low = chart["points"]

    assert high.y < low.y == chart["baseline"]
    assert (high.x, low.x) == (chart["left"], chart["plot_right"])


def test_no_programme_or_no_start_gives_no_figures(clinic):
    patient = PatientFactory(clinic=clinic)
    PrescriptionFactory(patient=patient, status="draft")

    assert progress(patient, TODAY).weeks == []
    assert progress(patient, TODAY).percent is None


def test_a_long_programme_shows_its_latest_twelve_weeks_and_counts_them_all(clinic):
    patient = PatientFactory(clinic=clinic)
    start = D(2025, 1, 6)
    programme = PrescriptionFactory(patient=patient, status="active", start_date=start)
    issued_on(programme, start)
    PrescriptionItemFactory(prescription=programme, days_per_week=1)
    SessionLogFactory(patient=patient, prescription=programme, date=start, pain=5)  # week 1
    SessionLogFactory(patient=patient, prescription=programme, date=TODAY, pain=2)  # latest

    context = progress_context(patient, TODAY)
    html = render_to_string("patients/_progress.html", context)

    assert len(context["progress"].weeks) > 60
    assert len(context["progress"].recent_weeks) == 12
    assert html.count('<tr><th scope="row">') == 12
    assert html.count('class="point"') == 1  # only the log inside the latest weeks
    assert "The table and chart show the latest 12 weeks." in html


@pytest.mark.parametrize(
    ("days_per_week", "figures"),
    [
        (None, ("3", "7", "43")),  # no exercise says: the week asks for every day
        (5, ("3", "5", "60")),
    ],
)
def test_today_and_the_patients_page_agree_on_the_days_asked_and_the_percentage(
    client, clinic, therapist, days_per_week, figures
):
    # Started six days ago, so week 1 on the patient's page is the Today page's last 7 days.
    today = timezone.localdate()
    patient = PatientFactory(clinic=clinic, first_name="Dana", primary_therapist=therapist)
    programme = PrescriptionFactory(
        patient=patient, status="active", start_date=today - datetime.timedelta(days=6)
    )
    issued_on(programme, today - datetime.timedelta(days=6))
    PrescriptionItemFactory(prescription=programme, days_per_week=days_per_week)
    PrescriptionItemFactory(prescription=programme, days_per_week=None)
    for days_ago in (0, 1, 4):
        SessionLogFactory(patient=patient, date=today - datetime.timedelta(days=days_ago))
    client.force_login(therapist)

    today_html = section(
        client.get(reverse("patients:today")).content.decode(), "My active patients"
    )
    record_html = client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    done, asked, percent = figures
    assert f"{done} of {asked} ({percent}%)" in today_html
    week_1 = re.search(r'<th scope="row">1</th><td>[^<]*</td>((?:<td>[^<]*</td>){3})', record_html)
    assert week_1.group(1) == f"<td>{done}</td><td>{asked}</td><td>{percent}%</td>"
    assert f"<strong>{percent}%</strong> of the sessions asked for" in record_html


def test_a_programme_counts_from_its_first_issue_when_that_is_after_its_start_date(clinic):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(patient=patient, status="active", start_date=D(2026, 3, 2))
    issued_on(programme, D(2026, 3, 9))
    SessionLogFactory(patient=patient, date=D(2026, 3, 10))

    result = progress(patient, D(2026, 3, 11))

    assert result.start == D(2026, 3, 9)
    assert [(w.start, w.done, w.asked) for w in result.weeks] == [(D(2026, 3, 9), 1, 2)]


def test_a_programme_never_issued_has_no_figures_even_with_a_start_date(clinic):
    patient = PatientFactory(clinic=clinic)
    PrescriptionFactory(patient=patient, status="active", start_date=D(2026, 3, 2))

    assert progress(patient, TODAY).weeks == []


def test_on_day_zero_nothing_is_due_until_the_patient_logs(clinic):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(patient=patient, status="active", start_date=TODAY)
    issued_on(programme, TODAY)

    before = progress(patient, TODAY)
    SessionLogFactory(patient=patient, date=TODAY)
    after = progress(patient, TODAY)

    assert (before.weeks[0].asked, before.percent) == (0, None)
    assert (after.weeks[0].done, after.weeks[0].asked, after.percent) == (1, 1, 100)


def test_a_programme_starting_tomorrow_says_when_and_shows_no_percentage(clinic):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(
        patient=patient, title="Back basics", status="active", start_date=TODAY + DAY
    )
    issued_on(programme, TODAY)
    SessionLogFactory(patient=patient, date=TODAY)

    html = render_to_string("patients/_progress.html", progress_context(patient, TODAY))

    assert "“Back basics” starts on 19 Mar 2026: its figures start then." in html
    assert "%" not in html
