"""Remote-monitoring day counts: on how many days, in each 30-day period, a patient sent
something from home.

Monitoring starts on the day (the clinic's) the patient's first handout of an active
programme was issued; period 1 is that day and the 29 after it, period 2 the next 30
days, and so on. A day counts when the patient logged a session or answered a measure
on their own page that day; several entries on one day count once. An answer staff typed
in at the clinic does not count: it was not sent from home. Days are the clinic's
calendar days, as the phone page stores them (patients.patient_page.clinic_today).

The app counts days and reports the bands clinics use; it never says whether any billing
code is met.
"""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from hipclinic.models import Clinic
from patients.models import MeasureAnswer, Patient, PrescriptionStatus, SessionLog
from patients.outcomes import clinic_day

PERIOD_DAYS = 30
# The header row, in the reader's language (one word each, as spreadsheets and scripts
# like them).
CSV_COLUMNS = [
    pgettext_lazy("day counts CSV column", "patient_id"),
    pgettext_lazy("day counts CSV column", "chart_number"),
    pgettext_lazy("day counts CSV column", "period_start"),
    pgettext_lazy("day counts CSV column", "period_end"),
    pgettext_lazy("day counts CSV column", "days_counted"),
    pgettext_lazy("day counts CSV column", "band"),
    pgettext_lazy("day counts CSV column", "period_complete"),
]
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def band(days: int) -> str:
    """The band clinics report for ``days`` counted in a period."""
    if days < 2:
        return gettext("fewer than 2")
    if days <= 15:
        return gettext("2 to 15")
    return gettext("16 or more")


@dataclass(frozen=True)
class Period:
    number: int
    start: datetime.date
    end: datetime.date
    days: int  # counted so far

    @property
    def band(self) -> str:
        return band(self.days)


@dataclass(frozen=True)
class Monitoring:
    """One patient's current period and the complete one before it (None in period 1)."""

    patient: Patient
    started: datetime.date
    today: datetime.date
    current: Period
    previous: Period | None

    @property
    def day_of_period(self) -> int:
        return (self.today - self.current.start).days + 1

    @property
    def days_left(self) -> int:
        """Days of the current period after today."""
        return (self.current.end - self.today).days


def period(started: datetime.date, number: int, days: set[datetime.date]) -> Period:
    """Period ``number`` (from 1) of monitoring that started on ``started``, with the days
    counted in it."""
    start = started + datetime.timedelta(days=PERIOD_DAYS * (number - 1))
    end = start + datetime.timedelta(days=PERIOD_DAYS - 1)
    return Period(number, start, end, sum(1 for day in days if start <= day <= end))


def monitoring_of(
    patient: Patient, started: datetime.date, today: datetime.date, days: set[datetime.date]
) -> Monitoring | None:
    """Where ``patient`` stands on ``today``; None before monitoring has started."""
    if today < started:
        return None
    days = {day for day in days if day <= today}
    number = (today - started).days // PERIOD_DAYS + 1
    previous = period(started, number - 1, days) if number > 1 else None
    return Monitoring(patient, started, today, period(started, number, days), previous)


def clinic_monitoring(clinic: Clinic, today: datetime.date | None = None) -> list[Monitoring]:
    """Every active patient of ``clinic`` with an issued, active programme, the periods
    ending soonest first. Two queries for any number of patients."""
    today = today or clinic_day(timezone.now(), clinic)
    active = Q(prescriptions__status=PrescriptionStatus.ACTIVE)
    patients = list(
        Patient.objects.for_clinic(clinic)
        .filter(is_active=True)
        .annotate(first_issue=Min("prescriptions__handouts__issued_at", filter=active))
        .filter(first_issue__isnull=False)
    )
    started = {patient.pk: clinic_day(patient.first_issue, clinic) for patient in patients}
    days = days_sent_from_home(started, today)
    found = [
        monitoring_of(patient, started[patient.pk], today, days[patient.pk]) for patient in patients
    ]
    return sorted(
        (row for row in found if row is not None),
        key=lambda row: (row.days_left, row.patient.chart_number.lower()),
    )


def days_sent_from_home(
    started: dict[int, datetime.date], today: datetime.date
) -> dict[int, set[datetime.date]]:
    """For each patient id in ``started``, the days from the previous period on when they
    logged a session or answered a measure on their own page."""
    days = defaultdict(set)
    if not started:
        return days
    # The previous period starts at most 59 days before today.
    since = max(min(started.values()), today - datetime.timedelta(days=2 * PERIOD_DAYS))
    logs = SessionLog.objects.filter(patient__in=list(started), date__gte=since, date__lte=today)
    answers = MeasureAnswer.objects.filter(
        patient__in=list(started),
        entered_by__isnull=True,  # typed in by staff: not sent from home
        answered_on__gte=since,
        answered_on__lte=today,
    )
    # One query; the models' default orderings would not be allowed in a union.
    for patient_id, day in (
        logs.order_by()
        .values_list("patient_id", "date")
        .union(answers.order_by().values_list("patient_id", "answered_on"))
    ):
        if day >= started[patient_id]:
            days[patient_id].add(day)
    return days


def spreadsheet_safe(value: str) -> str:
    """A text cell a spreadsheet shows as written rather than running as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def write_csv(out, rows: list[Monitoring]) -> None:
    """The report as CSV: a header row, then each patient's previous complete period (when
    there is one) and current period. Ids, chart numbers, ISO dates and counts only."""
    writer = csv.writer(out)
    writer.writerow([str(column) for column in CSV_COLUMNS])
    for row in sorted(rows, key=lambda row: (row.patient.chart_number.lower(), row.patient.pk)):
        for each in (row.previous, row.current):
            if each is None:
                continue
            writer.writerow(
                [
                    row.patient.pk,
                    spreadsheet_safe(row.patient.chart_number),
                    each.start.isoformat(),
                    each.end.isoformat(),
                    each.days,
                    each.band,
                    gettext("yes") if each.end < row.today else gettext("no"),
                ]
            )


def csv_filename(clinic: Clinic, today: datetime.date) -> str:
    return f"day-counts-{clinic.slug}-{today.isoformat()}.csv"
