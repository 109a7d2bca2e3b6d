"""Outcome measures at work: loading definitions, when a measure is due, recording an
answer, and how a patient is doing on each measure (patients.measures holds the rules
of a definition; patients.measure_models the tables).

When a measure is due, for a programme that asks for it (a MeasureSchedule):
- **the baseline** from the day its first handout was issued, until answered;
- **every N weeks** (when the schedule says so), N weeks after the last answer;
- **at the review** (when the schedule says so), from REVIEW_WINDOW days before the
  programme's review date, unless answered since then.
It stays due until answered; after OVERDUE_AFTER days it is overdue. Days are the
clinic's, as session logs count them.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent, Clinic
from patients.measures import (
    MEASURES_FOLDER,
    Change,
    MeasureError,
    change_between,
    change_sentence,
    checked_answers,
    read_definition,
    score_of,
)
from patients.models import (
    Measure,
    MeasureAnswer,
    MeasureSchedule,
    Patient,
    PatientLink,
    Prescription,
    PrescriptionStatus,
)

REVIEW_WINDOW = datetime.timedelta(days=7)
OVERDUE_AFTER = datetime.timedelta(days=7)


# --- Loading definitions ---------------------------------------------------------------------


@dataclass
class LoadReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    retired: list[str]

    def __str__(self) -> str:
        parts = [
            f"{len(names)} {word}" + (f" ({', '.join(names)})" if names else "")
            for word, names in (
                ("created", self.created),
                ("updated", self.updated),
                ("unchanged", self.unchanged),
                ("retired", self.retired),
            )
        ]
        return "Measures: " + "; ".join(parts) + "."


@transaction.atomic
def load_measures(
    folder: Path = MEASURES_FOLDER, *, files: list[Path] | None = None, clinic: Clinic | None = None
) -> LoadReport:
    """Bring measures in the database in line with definition files.

    Without ``clinic``: the shipped measures, every ``*.toml`` in ``folder``; one that has
    left the folder is retired (kept for its answers, no longer offered). With ``clinic``:
    that clinic's own measures from ``files`` (a licensed questionnaire), retiring none.
    Every file is checked before anything is written.
    """
    paths = files if files is not None else sorted(folder.glob("*.toml"))
    if not paths:
        raise MeasureError(f"{folder} holds no measure definitions (*.toml).")
    definitions = [read_definition(path) for path in paths]
    slugs = [definition.slug for definition, _data in definitions]
    for slug in slugs:
        if slugs.count(slug) > 1:
            raise MeasureError(f"Two files define the measure '{slug}'.")
    if clinic is not None:
        shipped = set(
            Measure.objects.filter(clinic=None, slug__in=slugs).values_list("slug", flat=True)
        )
        if shipped:
            raise MeasureError(
                f"'{sorted(shipped)[0]}' is a shipped measure: give the clinic's own another slug."
            )
    report = LoadReport([], [], [], [])
    for definition, data in definitions:
        fields = {
            "name": definition.name,
            "short_name": definition.short_name,
            "version": definition.version,
            "definition": data,
            "is_active": True,
        }
        measure = Measure.objects.filter(clinic=clinic, slug=definition.slug).first()
        if measure is None:
            Measure.objects.create(clinic=clinic, slug=definition.slug, **fields)
            report.created.append(definition.slug)
        elif any(getattr(measure, name) != value for name, value in fields.items()):
            Measure.objects.filter(pk=measure.pk).update(**fields)
            report.updated.append(definition.slug)
        else:
            report.unchanged.append(definition.slug)
    if clinic is None:
        gone = Measure.objects.filter(clinic=None, is_active=True).exclude(slug__in=slugs)
        report.retired = sorted(gone.values_list("slug", flat=True))
        gone.update(is_active=False)
    return report


# --- When a measure is due -------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    schedule: MeasureSchedule
    since: datetime.date  # the first day it was due
    overdue: bool

    @property
    def measure(self) -> Measure:
        return self.schedule.measure


def clinic_day(moment: datetime.datetime, clinic: Clinic) -> datetime.date:
    return timezone.localtime(moment, clinic.zone).date()


def next_due_day(
    schedule: MeasureSchedule, first_issue: datetime.date, answered: list[datetime.date]
) -> datetime.date | None:
    """The day ``schedule``'s measure is (or was) next due, given the days it was answered
    on (ascending) since the programme's first issue; None: the schedule asks no more."""
    if not answered:
        return first_issue
    candidates = []
    if schedule.every_weeks:
        candidates.append(answered[-1] + datetime.timedelta(weeks=schedule.every_weeks))
    review = schedule.prescription.review_date
    if schedule.at_review and review is not None:
        window = review - REVIEW_WINDOW
        if not any(day >= window for day in answered):
            candidates.append(max(window, first_issue))
    return min(candidates) if candidates else None


def due_since(
    schedule: MeasureSchedule,
    first_issue: datetime.date,
    answered: list[datetime.date],
    today: datetime.date,
) -> datetime.date | None:
    """The day ``schedule``'s measure became due (None: not due today)."""
    day = next_due_day(schedule, first_issue, answered)
    return day if day is not None and day <= today else None


def schedules_with_next_day(
    prescription: Prescription,
) -> list[tuple[MeasureSchedule, datetime.date | None]]:
    """The measures a programme asks for, each with the day it is next due: None before
    the first handout (it is due then) or when the schedule asks no more."""
    patient = prescription.patient
    first = prescription.handouts.aggregate(first=Min("issued_at"))["first"]
    found = []
    for schedule in prescription.measure_schedules.select_related("measure", "prescription"):
        if first is None:
            found.append((schedule, None))
            continue
        first_issue = clinic_day(first, patient.clinic)
        answered = list(
            MeasureAnswer.objects.filter(
                patient=patient, measure=schedule.measure_id, answered_on__gte=first_issue
            )
            .current()
            .order_by("answered_on")
            .values_list("answered_on", flat=True)
        )
        found.append((schedule, next_due_day(schedule, first_issue, answered)))
    return found


def due_measures(patient: Patient, today: datetime.date | None = None) -> list[Due]:
    """The measures this patient's active programmes ask for today, baseline first."""
    today = today or timezone.localtime(timezone.now(), patient.clinic.zone).date()
    return measures_due(Patient.objects.filter(pk=patient.pk), today).get(patient.pk, [])


def measures_due(patients, today: datetime.date) -> dict[int, list[Due]]:
    """For each of ``patients`` (a queryset) with a measure due today, its measures due,
    baseline first, by patient id. Two queries for any number of patients."""
    schedules = list(
        MeasureSchedule.objects.filter(
            prescription__patient__in=patients,
            prescription__status=PrescriptionStatus.ACTIVE,
            measure__is_active=True,
        )
        .select_related("measure", "prescription__patient__clinic")
        .annotate(first_issue=Min("prescription__handouts__issued_at"))
    )
    answers = {}
    for patient_id, measure_id, day in (
        MeasureAnswer.objects.filter(patient__in={s.prescription.patient_id for s in schedules})
        .current()
        .order_by("answered_on")
        .values_list("patient_id", "measure_id", "answered_on")
    ):
        answers.setdefault((patient_id, measure_id), []).append(day)
    found: dict[int, dict[int, Due]] = {}
    for schedule in schedules:
        if schedule.first_issue is None:
            continue
        patient = schedule.prescription.patient
        first_issue = clinic_day(schedule.first_issue, patient.clinic)
        answered = [
            day for day in answers.get((patient.pk, schedule.measure_id), []) if day >= first_issue
        ]
        since = due_since(schedule, first_issue, answered, today)
        if since is None:
            continue
        # Two programmes asking for one measure: one answer serves both.
        patient_due = found.setdefault(patient.pk, {})
        earlier = patient_due.get(schedule.measure_id)
        if earlier is None or since < earlier.since:
            patient_due[schedule.measure_id] = Due(schedule, since, today - since > OVERDUE_AFTER)
    return {
        patient_id: sorted(due.values(), key=lambda due: (due.since, due.measure.name))
        for patient_id, due in found.items()
    }


def patients_with_measures_due(patients, today: datetime.date) -> list[tuple[Patient, list[Due]]]:
    """Those of ``patients`` with a measure due today, each with its measures: the ones
    overdue longest first."""
    due = measures_due(patients, today)
    rows = [(found[0].schedule.prescription.patient, found) for found in due.values()]
    return sorted(
        rows,
        key=lambda row: (not any(d.overdue for d in row[1]), row[1][0].since, row[0].last_name),
    )


def questions_in(due: Due, patient: Patient) -> int:
    """How many questions a due measure asks the patient: its items; or the activities
    they named, or at first the fewest they name."""
    spec = due.measure.spec
    if spec.kind == "items":
        return len(spec.items)
    named = named_activities(patient, due.measure)
    return len(named) if named else spec.activities.fewest


def programme_asking(patient: Patient, measure: Measure) -> Prescription | None:
    """The patient's active programme that asks for ``measure``, which an answer given in
    the clinic is recorded against (None: no programme asks for it)."""
    schedule = (
        MeasureSchedule.objects.filter(
            prescription__patient=patient,
            prescription__status=PrescriptionStatus.ACTIVE,
            measure=measure,
        )
        .select_related("prescription")
        .order_by("-prescription__updated_at")
        .first()
    )
    return schedule.prescription if schedule else None


# --- Recording an answer ---------------------------------------------------------------------


def named_activities(patient: Patient, measure: Measure) -> list[str] | None:
    """The activities the patient named at their first answer to a patient-specific measure,
    carried to every later answer; None when they have not answered yet."""
    first = (
        MeasureAnswer.objects.filter(patient=patient, measure=measure)
        .current()
        .order_by("answered_on", "created_at")
        .first()
    )
    if first is None or "activities" not in first.values:
        return None
    return [name for name, _point in first.values["activities"]]


@transaction.atomic
def record_answer(
    patient: Patient,
    measure: Measure,
    answers: dict,
    *,
    answered_on: datetime.date | None = None,
    prescription: Prescription | None = None,
    entered_by=None,
    link: PatientLink | None = None,
    corrects: MeasureAnswer | None = None,
    ip: str | None = None,
) -> MeasureAnswer:
    """Check and store one completed measure, audited; MeasureError for answers that do
    not fit the definition.

    A correction (``corrects``) is for the same patient and measure and keeps the day of
    the answer it corrects; its activities are that answer's, except when it corrects the
    very first answer, which may also put right how an activity was named.
    """
    spec = measure.spec
    activities = None
    if corrects is not None:
        if corrects.patient_id != patient.pk or corrects.measure_id != measure.pk:
            raise MeasureError("A correction must be for the same patient and measure.")
        answered_on = corrects.answered_on
        if spec.kind == "activities" and not is_first_answer(corrects):
            activities = [name for name, _point in corrects.values["activities"]]
    elif spec.kind == "activities":
        activities = named_activities(patient, measure)
    if answered_on is None:
        raise MeasureError("An answer needs the day it was given.")
    values = checked_answers(spec, answers, activities)
    answer = MeasureAnswer.objects.create(
        patient=patient,
        measure=measure,
        prescription=prescription,
        answered_on=answered_on,
        values=values,
        score=score_of(spec, values),
        measure_version=spec.version,
        entered_by=entered_by,
        patient_link=link,
        corrects=corrects,
    )
    AuditEvent.record(
        AuditAction.CREATED,
        answer,
        actor=entered_by,
        patient_link=link,
        clinic=patient.clinic,
        ip=ip,
    )
    return answer


def is_first_answer(answer: MeasureAnswer) -> bool:
    """Whether ``answer`` is the patient's first (current) answer to its measure."""
    earlier = MeasureAnswer.objects.filter(
        patient=answer.patient_id, measure=answer.measure_id
    ).current()
    return not earlier.filter(answered_on__lt=answer.answered_on).exists() and not (
        earlier.filter(answered_on=answer.answered_on, created_at__lt=answer.created_at).exists()
    )


# --- How the patient is doing ------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One measure's current answers for a patient, and the change so far."""

    measure: Measure
    answers: list[MeasureAnswer]
    change: Change | None

    @property
    def baseline(self) -> MeasureAnswer:
        return self.answers[0]

    @property
    def latest(self) -> MeasureAnswer:
        return self.answers[-1]

    @property
    def sentence(self) -> str:
        """In words, for staff: "PSFS up 2.7 points since 3 November: a meaningful
        improvement"; "" when there is nothing to compare yet."""
        if self.change is None:
            return ""
        spec = self.measure.spec
        if spec.compare == "itself":
            return change_sentence(
                spec, self.change, day_words(self.latest.answered_on), latest=self.latest.score
            )
        return change_sentence(spec, self.change, day_words(self.baseline.answered_on))


def day_words(day: datetime.date) -> str:
    return f"{day.day} {day:%B}"


def answers_on_record(patient: Patient) -> dict[int, list[MeasureAnswer]]:
    """Every answer the patient has given, corrected ones too, by measure id, oldest first;
    each with ``corrected_by`` (the correction, if any) and who typed them."""
    found: dict[int, list[MeasureAnswer]] = {}
    for answer in (
        MeasureAnswer.objects.filter(patient=patient)
        .select_related("measure", "entered_by", "corrected_by__entered_by")
        .order_by("answered_on", "created_at")
    ):
        found.setdefault(answer.measure_id, []).append(answer)
    return found


def progress_of(patient: Patient) -> list[Progress]:
    """Each measure the patient has answered, with its current answers and change."""
    by_measure: dict[int, list[MeasureAnswer]] = {}
    for answer in (
        MeasureAnswer.objects.filter(patient=patient)
        .current()
        .select_related("measure", "entered_by")
        .order_by("answered_on", "created_at")
    ):
        by_measure.setdefault(answer.measure_id, []).append(answer)
    found = []
    for answers in by_measure.values():
        measure = answers[0].measure
        spec = measure.spec
        change = None
        if spec.compare == "itself":
            change = change_between(spec, None, answers[-1].score)
        elif len(answers) > 1:
            change = change_between(spec, answers[0].score, answers[-1].score)
        found.append(Progress(measure=measure, answers=answers, change=change))
    return sorted(found, key=lambda progress: progress.measure.name)
