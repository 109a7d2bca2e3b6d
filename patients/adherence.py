"""How well a patient keeps to their programme, and how their pain goes, from session logs.

Weeks are counted in 7-day blocks from the programme's start, so "week 1" means the
same to therapist and patient. A programme starts on the later of its start date and
the day its first handout was issued: until the patient has it in hand, and until the
day the therapist set, nothing is asked. A week asks for the most days any of its
exercises asks for (7 when no exercise says), but never more than the days that have
passed since the start, counting today only once the patient has logged it: a
programme that starts today shows no percentage until there is something to count.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from patients.charts import line_chart
from patients.models import Patient, Prescription, SessionLog

DAYS_WHEN_UNSAID = 7
# The table and the chart show the latest weeks; the overall figure counts them all.
WEEKS_SHOWN = 12


@dataclass(frozen=True)
class Week:
    number: int
    start: datetime.date
    end: datetime.date
    done: int
    asked: int

    @property
    def percent(self) -> int | None:
        return percent_done(self.done, self.asked)


@dataclass(frozen=True)
class Progress:
    programme: Prescription | None
    weeks: list[Week]
    logs: list[SessionLog]
    start: datetime.date | None = None

    @property
    def recent_weeks(self) -> list[Week]:
        return self.weeks[-WEEKS_SHOWN:]

    @property
    def recent_logs(self) -> list[SessionLog]:
        if not self.weeks:
            return []
        first = self.recent_weeks[0].start
        return [log for log in self.logs if log.date >= first]

    @property
    def percent(self) -> int | None:
        """Sessions done over sessions asked, all weeks together (extra days do not count)."""
        asked = sum(week.asked for week in self.weeks)
        done = sum(min(week.done, week.asked) for week in self.weeks)
        return percent_done(done, asked)


def days_asked(most: int | None) -> int:
    """The days a week asks for, given the most any exercise asks for (None: none says).

    The Today page works ``most`` out in its own query for many patients at once, so
    it passes the number here rather than a programme.
    """
    return min(most or DAYS_WHEN_UNSAID, 7)


def percent_done(done: int, asked: int) -> int | None:
    """Sessions done as a whole percentage of those asked; days past the asked do not count.

    None when nothing was asked, so a page can say so rather than show 0%.
    """
    return round(100 * min(done, asked) / asked) if asked else None


def days_asked_per_week(programme: Prescription) -> int:
    return days_asked(programme.items.aggregate(most=Max("days_per_week"))["most"])


def programme_start(programme: Prescription) -> datetime.date | None:
    """The day the programme's figures count from; None while it has never been issued."""
    first_issue = programme.handouts.aggregate(first=Min("issued_at"))["first"]
    return start_from(programme.start_date, first_issue)


def start_from(start_date: datetime.date | None, first_issue) -> datetime.date | None:
    """The later of a programme's start date and the day (where the clinic is) its first
    handout was issued; None when it has not been issued."""
    if first_issue is None:
        return None
    issued_on = timezone.localtime(first_issue).date()
    return max(start_date, issued_on) if start_date else issued_on


def days_that_count(
    first: datetime.date, last: datetime.date, today: datetime.date, logged: set[datetime.date]
) -> int:
    """The days from ``first`` to ``last`` that can be asked for: those already over, and
    today once it is logged (a day still running is not yet missed)."""
    passed = (min(last, today - datetime.timedelta(days=1)) - first).days + 1
    return max(passed, 0) + (1 if first <= today <= last and today in logged else 0)


def tally(
    first: datetime.date,
    last: datetime.date,
    today: datetime.date,
    logged: set[datetime.date],
    per_week: int,
) -> tuple[int, int]:
    """(done, asked) from ``first`` to ``last``: the days logged, and the days asked (at
    most ``per_week``, and only days that count)."""
    done = sum(1 for day in logged if first <= day <= last)
    return done, min(per_week, days_that_count(first, last, today, logged))


def weeks_between(
    start: datetime.date, today: datetime.date, logged: set[datetime.date], asked: int
) -> list[Week]:
    weeks = []
    number = 0
    while start + datetime.timedelta(days=7 * number) <= today:
        first = start + datetime.timedelta(days=7 * number)
        last = min(first + datetime.timedelta(days=6), today)
        weeks.append(Week(number + 1, first, last, *tally(first, last, today, logged, asked)))
        number += 1
    return weeks


@dataclass(frozen=True)
class LastSevenDays:
    """The Today page's figure for one patient: sessions in the last 7 days, since the
    programme started, against the days asked (``starts`` is set while it has not)."""

    done: int
    asked: int
    starts: datetime.date | None = None

    @property
    def percent(self) -> int | None:
        return percent_done(self.done, self.asked)


def last_seven_days(
    start: datetime.date, today: datetime.date, logged: set[datetime.date], per_week: int
) -> LastSevenDays:
    if start > today:
        return LastSevenDays(0, 0, starts=start)
    first = max(start, today - datetime.timedelta(days=6))
    return LastSevenDays(*tally(first, today, today, logged, per_week))


def current_programme(patient: Patient) -> Prescription | None:
    """The programme the patient was last given (newest issued handout), else the newest active."""
    issued = (
        Prescription.objects.filter(patient=patient, handouts__isnull=False)
        .order_by("-handouts__issued_at")
        .first()
    )
    return issued or patient.prescriptions.filter(status="active").order_by("-updated_at").first()


def progress(patient: Patient, today: datetime.date) -> Progress:
    """Adherence by week for the current programme, and every log since it started."""
    programme = current_programme(patient)
    start = programme_start(programme) if programme else None
    if programme is None or start is None or start > today:
        return Progress(programme, [], [], start)
    logs = list(
        SessionLog.objects.filter(patient=patient, date__gte=start, date__lte=today).order_by(
            "date"
        )
    )
    weeks = weeks_between(start, today, {log.date for log in logs}, days_asked_per_week(programme))
    return Progress(programme, weeks, logs, start)


def pain_chart(logs: list[SessionLog], start: datetime.date, end: datetime.date) -> dict:
    """Coordinates for the server-drawn pain chart: one point per logged day.

    Days logged without a pain score sit on the baseline as hollow marks, so the
    chart shows every session as well as the pain.
    """
    return line_chart([(log.date, log.pain) for log in logs], start, end, 0, 10, [0, 5, 10])


def progress_context(patient: Patient, today: datetime.date) -> dict:
    """What templates/patients/_progress.html needs for one patient."""
    result = progress(patient, today)
    chart = (
        pain_chart(result.recent_logs, result.recent_weeks[0].start, today)
        if result.weeks
        else None
    )
    return {"progress": result, "pain_chart": chart}
