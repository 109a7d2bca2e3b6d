"""Remote-monitoring day counts: which days count, the 30-day periods, the clinic's days,
the report page and its CSV."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent
from patients.links import create_link, link_path
from patients.models import Handout, Measure, PatientLink, PrescriptionStatus, SessionLog
from patients.monitoring import band, clinic_monitoring
from patients.outcomes import load_measures, record_answer
from tests.factories import (
    HandoutFactory,
    PatientFactory,
    PrescriptionFactory,
    SessionLogFactory,
    SuperuserFactory,
    UserFactory,
    issued_on,
)

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
STARTED = D(2026, 3, 1)  # the first handout; period 1 is 1 to 30 March, period 2 from 31 March
NOTE = "Zebra-kite note: knee clicked on the stairs"


@pytest.fixture
def nprs():
    load_measures()
    return Measure.objects.get(slug="nprs")


def monitored_patient(clinic, **fields):
    """A patient with an active programme whose first handout was issued on STARTED."""
    patient = PatientFactory(clinic=clinic, **fields)
    programme = PrescriptionFactory(patient=patient, status=PrescriptionStatus.ACTIVE)
    issued_on(programme, STARTED)
    return patient


def answer(patient, measure, day, entered_by=None):
    return record_answer(
        patient, measure, {"items": {"pain": 4}}, answered_on=day, entered_by=entered_by
    )


def row_for(patient, today):
    rows = [row for row in clinic_monitoring(patient.clinic, today) if row.patient == patient]
    return rows[0] if rows else None


@pytest.fixture
def patient(clinic, therapist, nprs):
    """Logs and answers around the first period's end, worked out by hand below."""
    patient = monitored_patient(clinic)
    SessionLogFactory(patient=patient, date=STARTED - DAY)  # before monitoring started
    SessionLogFactory(patient=patient, date=STARTED)
    # 15 March: a log and two answers, one day.
    SessionLogFactory(patient=patient, date=D(2026, 3, 15), note=NOTE)
    answer(patient, nprs, D(2026, 3, 15))
    answer(patient, nprs, D(2026, 3, 15))
    answer(patient, nprs, D(2026, 3, 20))  # an answer alone counts
    answer(patient, nprs, D(2026, 3, 22), entered_by=therapist)  # typed in at the clinic
    SessionLogFactory(patient=patient, date=D(2026, 3, 30))  # the last day of period 1
    SessionLogFactory(patient=patient, date=D(2026, 3, 31))  # the first day of period 2
    SessionLogFactory(patient=patient, date=D(2026, 4, 29))  # the last day of period 2
    return patient


# today -> (period, from, to, days counted, band, day N of 30, days left,
#           previous period (from, to, days) or None)
TABLE = [
    (STARTED, (1, D(2026, 3, 1), D(2026, 3, 30), 1, "fewer than 2", 1, 29, None)),
    (D(2026, 3, 15), (1, D(2026, 3, 1), D(2026, 3, 30), 2, "2 to 15", 15, 15, None)),
    (D(2026, 3, 29), (1, D(2026, 3, 1), D(2026, 3, 30), 3, "2 to 15", 29, 1, None)),
    # Day 30: still period 1, the log that day counts in it.
    (D(2026, 3, 30), (1, D(2026, 3, 1), D(2026, 3, 30), 4, "2 to 15", 30, 0, None)),
    # Day 31: period 2 begins, period 1 is complete beside it.
    (
        D(2026, 3, 31),
        (2, D(2026, 3, 31), D(2026, 4, 29), 1, "fewer than 2", 1, 29, (STARTED, D(2026, 3, 30), 4)),
    ),
    (
        D(2026, 4, 29),
        (2, D(2026, 3, 31), D(2026, 4, 29), 2, "2 to 15", 30, 0, (STARTED, D(2026, 3, 30), 4)),
    ),
    (
        D(2026, 4, 30),
        (
            3,
            D(2026, 4, 30),
            D(2026, 5, 29),
            0,
            "fewer than 2",
            1,
            29,
            (D(2026, 3, 31), D(2026, 4, 29), 2),
        ),
    ),
]


@pytest.mark.parametrize(("today", "expected"), TABLE, ids=[str(today) for today, _ in TABLE])
def test_days_counted_across_period_boundaries(patient, today, expected):
    row = row_for(patient, today)

    previous = row.previous and (row.previous.start, row.previous.end, row.previous.days)
    assert (
        row.current.number,
        row.current.start,
        row.current.end,
        row.current.days,
        row.current.band,
        row.day_of_period,
        row.days_left,
        previous,
    ) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "fewer than 2"), (1, "fewer than 2"), (2, "2 to 15"), (15, "2 to 15"), (16, "16 or more")],
)
def test_the_bands_clinics_report(days, expected):
    assert band(days) == expected


def test_an_answer_typed_in_by_staff_does_not_count(clinic, therapist, nprs):
    patient = monitored_patient(clinic)
    answer(patient, nprs, D(2026, 3, 5), entered_by=therapist)
    answer(patient, nprs, D(2026, 3, 6))

    assert row_for(patient, D(2026, 3, 10)).current.days == 1


def test_sixteen_days_of_logs_reach_the_top_band(clinic):
    patient = monitored_patient(clinic)
    for n in range(16):
        SessionLogFactory(patient=patient, date=STARTED + n * DAY)

    assert row_for(patient, D(2026, 3, 16)).current.band == "16 or more"


def test_only_patients_with_an_issued_active_programme_are_listed(clinic):
    listed = monitored_patient(clinic)
    PrescriptionFactory(patient=PatientFactory(clinic=clinic), status=PrescriptionStatus.ACTIVE)
    ended = PatientFactory(clinic=clinic)
    issued_on(PrescriptionFactory(patient=ended, status=PrescriptionStatus.ENDED), STARTED)
    discharged = monitored_patient(clinic, is_active=False)
    monitored_patient(PatientFactory().clinic)  # another clinic's

    rows = clinic_monitoring(clinic, D(2026, 3, 10))

    assert [row.patient for row in rows] == [listed]
    assert discharged not in [row.patient for row in rows]


def test_monitoring_starts_at_the_first_handout_of_any_active_programme(clinic):
    patient = monitored_patient(clinic)  # issued on STARTED
    later = PrescriptionFactory(patient=patient, status=PrescriptionStatus.ACTIVE)
    issued_on(later, STARTED + 10 * DAY)
    earlier_but_ended = PrescriptionFactory(patient=patient, status=PrescriptionStatus.ENDED)
    issued_on(earlier_but_ended, STARTED - 40 * DAY)

    assert row_for(patient, D(2026, 3, 10)).started == STARTED


def test_the_report_reads_any_number_of_patients_in_two_queries(clinic, django_assert_num_queries):
    for _ in range(4):
        patient = monitored_patient(clinic)
        SessionLogFactory(patient=patient, date=STARTED + 2 * DAY)

    with django_assert_num_queries(2):
        rows = clinic_monitoring(clinic, D(2026, 3, 10))

    assert [row.current.days for row in rows] == [1, 1, 1, 1]


# --- The clinic's days --------------------------------------------------------------------------


def local(zone: str, day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), zoneinfo.ZoneInfo(zone))


# zone -> why a day in UTC would be the wrong day there
ZONES = {
    # Ahead of UTC: the handout issued there at 08:00 on 1 March went out on 28 February, UTC.
    "Pacific/Auckland": lambda issued, logged: (
        issued.astimezone(datetime.UTC).date() == STARTED - DAY
    ),
    # Behind: a log there at 23:30 is already the next day in UTC.
    "America/Los_Angeles": lambda issued, logged: (
        logged.astimezone(datetime.UTC).date() == logged.date() + DAY
    ),
}


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    ("logged_on", "counts_in_period"),
    [(D(2026, 3, 30), 1), (D(2026, 3, 31), 2)],  # the last day of period 1, the first of 2
)
def test_a_log_at_half_past_eleven_counts_on_the_clinics_day(
    client, clinic, therapist, monkeypatch, zone, logged_on, counts_in_period
):
    clinic.timezone = zone
    clinic.save()
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(patient=patient, status=PrescriptionStatus.ACTIVE)
    handout = HandoutFactory(prescription=programme)
    issued = local(zone, STARTED, 8)
    Handout.objects.filter(pk=handout.pk).update(issued_at=issued)
    link = create_link(patient, therapist)
    moment = local(zone, logged_on, 23, 30)
    assert ZONES[zone](issued, moment)
    PatientLink.objects.filter(pk=link.pk).update(expires_at=moment + DAY)
    monkeypatch.setattr(timezone, "now", lambda: moment)

    response = client.post(link_path(link), {"pain": "2"})

    assert response.status_code == 302
    assert SessionLog.objects.get(patient=patient).date == logged_on
    row = row_for(patient, logged_on)
    assert row.started == STARTED
    assert (row.current.number, row.current.days) == (counts_in_period, 1)
    if counts_in_period == 2:
        assert row.previous.days == 0


# --- The report page and its CSV ----------------------------------------------------------------


def clinic_today(clinic) -> D:
    return timezone.localtime(timezone.now(), clinic.zone).date()


@pytest.fixture
def report_patient(clinic, therapist):
    """Monitored for 40 days (period 2, day 11): 3 days in period 1, 2 so far in period 2."""
    today = clinic_today(clinic)
    patient = PatientFactory(
        clinic=clinic, first_name="Quentin", last_name="Marlowe", chart_number="QM-4410"
    )
    programme = PrescriptionFactory(patient=patient, status=PrescriptionStatus.ACTIVE)
    issued_on(programme, today - 40 * DAY)
    for days_ago in (39, 30, 31, 5, 0):
        SessionLogFactory(patient=patient, date=today - days_ago * DAY, note=NOTE)
    return patient


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def test_the_report_lists_each_patients_period_and_says_it_claims_no_billing_code(
    staff_client, clinic, report_patient
):
    newer = PatientFactory(clinic=clinic, first_name="Nadia", last_name="Newcomer")
    issued_on(
        PrescriptionFactory(patient=newer, status=PrescriptionStatus.ACTIVE),
        clinic_today(clinic) - 2 * DAY,
    )

    html = staff_client.get(reverse("patients:monitoring_report")).content.decode()

    assert "It does not say whether any billing code is met." in html
    # Marlowe's period ends in 19 days, Newcomer's in 27: the one ending sooner comes first.
    assert html.index("Quentin Marlowe") < html.index("Nadia Newcomer")
    assert "11 of 30" in html and "3 of 30" in html
    assert "3 days, 2 to 15" in html  # Marlowe's period 1
    assert "None yet" in html  # Newcomer has no previous period
    assert NOTE not in html
    assert 'aria-current="page" href="/day-counts/">Day counts</a>' in html


def test_the_csv_reads_back_with_ids_chart_numbers_and_iso_dates_only(
    staff_client, clinic, therapist, report_patient
):
    today = clinic_today(clinic)

    response = staff_client.get(reverse("patients:monitoring_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    start = today - 40 * DAY
    assert rows == [
        {
            "patient_id": str(report_patient.pk),
            "chart_number": "QM-4410",
            "period_start": start.isoformat(),
            "period_end": (start + 29 * DAY).isoformat(),
            "days_counted": "3",
            "band": "2 to 15",
            "period_complete": "yes",
        },
        {
            "patient_id": str(report_patient.pk),
            "chart_number": "QM-4410",
            "period_start": (start + 30 * DAY).isoformat(),
            "period_end": (start + 59 * DAY).isoformat(),
            "days_counted": "2",
            "band": "2 to 15",
            "period_complete": "no",
        },
    ]
    for free_text in (NOTE, "Zebra", "Quentin", "Marlowe", "Home programme"):
        assert free_text not in text
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="day-counts-{clinic.slug}-{today.isoformat()}.csv"'


def test_downloading_the_csv_is_audited(staff_client, clinic, therapist, report_patient):
    staff_client.get(reverse("patients:monitoring_csv"))

    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED)
    assert (event.actor, event.clinic, event.target_type, event.target_id) == (
        therapist,
        clinic,
        "hipclinic.clinic",
        str(clinic.pk),
    )


def test_a_chart_number_a_spreadsheet_would_run_is_written_as_text(staff_client, clinic):
    patient = PatientFactory(clinic=clinic, chart_number="=HYPERLINK(1)")
    issued_on(PrescriptionFactory(patient=patient, status="active"), clinic_today(clinic))

    text = staff_client.get(reverse("patients:monitoring_csv")).content.decode()

    assert [row["chart_number"] for row in csv.DictReader(io.StringIO(text))] == ["'=HYPERLINK(1)"]


def test_another_clinics_staff_see_none_of_it(client, other_clinic, report_patient):
    client.force_login(UserFactory(clinic=other_clinic))

    page = client.get(reverse("patients:monitoring_report")).content.decode()
    download = client.get(reverse("patients:monitoring_csv")).content.decode()

    assert "Marlowe" not in page and "QM-4410" not in page
    assert "No patient has an active programme" in page
    assert list(csv.DictReader(io.StringIO(download))) == []
    assert (
        other_clinic.slug in client.get(reverse("patients:monitoring_csv"))["Content-Disposition"]
    )


def test_a_platform_admin_without_a_clinic_gets_no_report(client, report_patient):
    client.force_login(SuperuserFactory())

    assert client.get(reverse("patients:monitoring_report")).status_code == 404
    assert client.get(reverse("patients:monitoring_csv")).status_code == 404
