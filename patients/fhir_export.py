"""A patient's record as FHIR R4, for the clinic's record system (issue 20 §5).

One Bundle of type "collection", built and validated with the R4B models of
``fhir.resources`` (R4B is R4 with a few additions none of these resources use):

- the **Patient**: the chart number (as an identifier in the clinic's own system), the
  name and the date of birth; nothing else of the record (no notes, conditions, email
  or phone);
- each **programme** that is not a draft as a **CarePlan**, one activity per exercise
  in the programme's order: the exercise's name as the description, the dose sentence
  the patient reads as the timing's text, how often as a structured repeat where the
  dose says so, and the therapist's note for the patient as a note;
- each measure the patient has answered as a **Questionnaire**, and each current answer
  (corrected ones are left out) as a **QuestionnaireResponse** with its score;
- each session's pain score as an **Observation** (LOINC 72514-3); the session's note
  stays in hipclinic.

Resources refer to each other by ``urn:uuid:`` fullUrls. The uuids are uuid5s of the
site and the row, and the bundle holds no timestamp, so two exports of unchanged data
are the same bytes.
"""

import json
import uuid

from django.conf import settings
from django.db.models import Min
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
)
from fhir.resources.R4B.resource import Resource

from exercises.dosing import dose_sentence
from patients.measures import Definition, Scale
from patients.models import (
    Measure,
    MeasureAnswer,
    Patient,
    Prescription,
    PrescriptionStatus,
    SessionLog,
)
from patients.outcomes import clinic_day

LOINC = "http://loinc.org"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"

CAREPLAN_STATUS = {PrescriptionStatus.ACTIVE: "active", PrescriptionStatus.ENDED: "completed"}
ACTIVITY_STATUS = {PrescriptionStatus.ACTIVE: "in-progress", PrescriptionStatus.ENDED: "completed"}
SCORE_ITEM = "score"
SCORE_WORDS = {"mean": "the mean of the answers", "sum": "the sum of the answers"}


def patient_bundle(patient: Patient) -> dict:
    """The patient's record as a FHIR R4 collection Bundle, ready for ``json.dumps``.

    Every resource is validated by its fhir.resources model as it is built, and the
    Bundle as a whole when it is put together.
    """
    ids = Ids(patient)
    programmes = list(
        Prescription.objects.filter(patient=patient)
        .exclude(status=PrescriptionStatus.DRAFT)
        .annotate(first_issue=Min("handouts__issued_at"))
        .select_related("therapist")
        .order_by("pk")
    )
    answers = list(
        MeasureAnswer.objects.filter(patient=patient)
        .current()
        .select_related("measure", "entered_by")
        .order_by("answered_on", "created_at", "pk")
    )
    measures = sorted({answer.measure for answer in answers}, key=lambda measure: measure.pk)
    exported = {programme.pk for programme in programmes}
    pain_logs = (
        SessionLog.objects.filter(patient=patient, pain__isnull=False)
        .only("pk", "date", "pain", "prescription_id")
        .order_by("date", "pk")
    )
    resources = [
        patient_resource(patient, ids),
        *(care_plan(programme, ids) for programme in programmes),
        *(questionnaire(measure, ids) for measure in measures),
        *(questionnaire_response(answer, ids, exported) for answer in answers),
        *(pain_observation(log, ids, exported) for log in pain_logs),
    ]
    bundle = Bundle(
        id=ids.of("bundle", patient.pk),
        type="collection",
        entry=[BundleEntry(fullUrl=ids.url(resource), resource=resource) for resource in resources],
    )
    return json.loads(bundle.model_dump_json())


class Ids:
    """Stable uuids for the rows a bundle holds: the same row always gets the same one,
    and no two sites' rows share one (the site's address is in the namespace)."""

    def __init__(self, patient: Patient):
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, settings.SITE_URL)
        self.clinic = patient.clinic
        self.patient_pk = patient.pk

    def of(self, kind: str, pk: int) -> str:
        return str(uuid.uuid5(self.namespace, f"{kind}/{pk}"))

    @staticmethod
    def url(resource: Resource) -> str:
        return f"urn:uuid:{resource.id}"

    def reference(self, kind: str, pk: int) -> dict:
        return {"reference": f"urn:uuid:{self.of(kind, pk)}"}

    @property
    def patient(self) -> dict:
        """The reference to the bundle's patient, every other resource's subject."""
        return self.reference("patient", self.patient_pk)

    @property
    def chart_numbers(self) -> str:
        """The identifier system of the clinic's chart numbers."""
        return f"{settings.SITE_URL}/clinics/{self.clinic.slug}/chart-numbers"

    def measure_url(self, measure: Measure) -> str:
        """A measure's canonical URL: the site's for the shipped ones, the clinic's for its own."""
        if measure.clinic_id is None:
            return f"{settings.SITE_URL}/measures/{measure.slug}"
        return f"{settings.SITE_URL}/clinics/{self.clinic.slug}/measures/{measure.slug}"


# --- The patient -------------------------------------------------------------------------------


def patient_resource(patient: Patient, ids: Ids) -> FhirPatient:
    """Only what a receiving system needs to match the patient: chart number, name, birth date."""
    return FhirPatient(
        id=ids.of("patient", patient.pk),
        identifier=[
            {
                "use": "usual",
                "type": {
                    "coding": [{"system": IDENTIFIER_TYPE, "code": "MR"}],
                    "text": "Chart number",
                },
                "system": ids.chart_numbers,
                "value": patient.chart_number,
            }
        ],
        name=[
            {
                "text": patient.full_name,
                "family": patient.last_name or None,
                "given": [patient.first_name] if patient.first_name else None,
            }
        ],
        birthDate=patient.date_of_birth,
    )


# --- Programmes --------------------------------------------------------------------------------


def care_plan(programme: Prescription, ids: Ids) -> CarePlan:
    """A programme as a CarePlan: from its start (or first handout) to its review date."""
    start = programme.start_date
    if start is None and programme.first_issue is not None:
        start = clinic_day(programme.first_issue, ids.clinic)
    period = {"start": start, "end": programme.review_date}
    items = programme.items.select_related("exercise").order_by("order")
    return CarePlan(
        id=ids.of("programme", programme.pk),
        status=CAREPLAN_STATUS[programme.status],
        intent="plan",
        title=programme.title,
        description=programme.instructions or None,
        subject=ids.patient,
        period=period if start or programme.review_date else None,
        author={"display": str(programme.therapist)},
        activity=[activity(item, programme.status) for item in items] or None,
    )


def activity(item, status: str) -> CarePlanActivity:
    """One exercise: its name, the dose sentence as the timing's text (the patient's own
    words, all of the dose), how often as a structured repeat where the dose says so,
    and the therapist's note for the patient."""
    dose, repeat = dose_sentence(item), timing_repeat(item)
    timing = None
    if dose or repeat:
        timing = {"code": {"text": dose} if dose else None, "repeat": repeat}
    return CarePlanActivity(
        detail=CarePlanActivityDetail(
            status=ACTIVITY_STATUS[status],
            description=item.exercise.name,
            scheduledTiming=timing,
        ),
        progress=[{"text": item.note}] if item.note else None,
    )


def timing_repeat(dose) -> dict | None:
    """How often, as FHIR's Timing.repeat: "twice a day, every day" is 2 a day; "once a
    day, 5 days a week" is 5 a week ("twice a day, 5 days a week": 10 a week, as FHIR has
    no way to say both without naming the days). None when the dose does not say."""
    times, days = dose.times_per_day, dose.days_per_week
    if not times and not days:
        return None
    if days in (None, 7):
        return {"frequency": times or 1, "period": 1, "periodUnit": "d"}
    return {"frequency": (times or 1) * days, "period": 1, "periodUnit": "wk"}


# --- Measures ----------------------------------------------------------------------------------


def questionnaire(measure: Measure, ids: Ids) -> Questionnaire:
    """A measure's definition as a Questionnaire. Its last item is the score, read-only:
    every FHIR viewer shows an item, where an extension of our own would be hidden."""
    spec = measure.spec
    return Questionnaire(
        id=ids.of("measure", measure.pk),
        url=ids.measure_url(measure),
        version=str(measure.version),
        title=measure.name,
        status="active" if measure.is_active else "retired",
        subjectType=["Patient"],
        description=spec.intro,
        copyright=spec.licence,
        code=[{"system": LOINC, "code": spec.loinc}] if spec.loinc else None,
        item=[*questions(spec, answers_system(ids, measure)), score_question(spec)],
    )


def questions(spec: Definition, system: str) -> list[QuestionnaireItem]:
    if spec.kind == "activities":
        activities = spec.activities
        return [
            QuestionnaireItem(
                linkId="activities",
                text="Activities the patient named",
                type="group",
                repeats=True,
                required=True,
                item=[
                    {"linkId": "activity", "text": activities.name_question, "type": "string"},
                    rating_question("rating", activities.rating_question, spec.scale, system),
                ],
            )
        ]
    return [rating_question(item.key, item.question, spec.scale, system) for item in spec.items]


def answers_system(ids: Ids, measure: Measure) -> str:
    """The code system of a worded scale's answers: the measure's own."""
    return f"{ids.measure_url(measure)}/answers"


def every_point_labelled(scale: Scale) -> bool:
    """A scale that words every point (the Global Rating of Change) is a choice of those
    words; one that words only its ends is a whole number from low to high."""
    return set(scale.labels) == set(scale.points)


def rating_question(link_id: str, question: str, scale: Scale, system: str) -> dict:
    if every_point_labelled(scale):
        return {
            "linkId": link_id,
            "text": question,
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": scale_coding(system, scale, point)} for point in scale.points
            ],
        }
    return {
        "linkId": link_id,
        "text": f"{question} ({scale.low}: {scale.low_label}; {scale.high}: {scale.high_label})",
        "type": "integer",
        "required": True,
        "extension": [
            {"url": MIN_VALUE, "valueInteger": scale.low},
            {"url": MAX_VALUE, "valueInteger": scale.high},
        ],
    }


def scale_coding(system: str, scale: Scale, point: int) -> dict:
    """A point on a worded scale: its number as the code (in the measure's own system),
    its words as the display, and the number again as its ordinal value, for systems
    that add answers up."""
    return {
        "extension": [{"url": ORDINAL_VALUE, "valueDecimal": point}],
        "system": system,
        "code": str(point),
        "display": scale.label(point),
    }


def score_question(spec: Definition) -> QuestionnaireItem:
    return QuestionnaireItem(
        linkId=SCORE_ITEM,
        text=f"Score ({SCORE_WORDS[spec.score]})",
        type="decimal",
        readOnly=True,
    )


def questionnaire_response(
    answer: MeasureAnswer, ids: Ids, exported: set[int]
) -> QuestionnaireResponse:
    """One current answer. The patient is the source either way (on paper in the clinic, or
    on their own page); the author says who typed it in."""
    measure, spec = answer.measure, answer.measure.spec
    patient = ids.patient
    if answer.entered_in_clinic:
        author = {"display": f"Entered by staff: {answer.entered_by}"}
    else:
        author = patient
    return QuestionnaireResponse(
        id=ids.of("measure-answer", answer.pk),
        questionnaire=f"{ids.measure_url(measure)}|{answer.measure_version}",
        status="completed",
        subject=patient,
        basedOn=[ids.reference("programme", answer.prescription_id)]
        if answer.prescription_id in exported
        else None,
        authored=answer.answered_on.isoformat(),
        author=author,
        source=patient,
        item=[
            *answered(spec, answer.values, answers_system(ids, measure)),
            answered_score(answer),
        ],
    )


def answered(spec: Definition, values: dict, system: str) -> list[dict]:
    if "activities" in values:
        return [
            {
                "linkId": "activities",
                "item": [
                    {"linkId": "activity", "answer": [{"valueString": name}]},
                    answered_point(spec, "rating", point, system),
                ],
            }
            for name, point in values["activities"]
        ]
    return [
        answered_point(spec, item.key, values["items"][item.key], system) for item in spec.items
    ]


def answered_point(spec: Definition, link_id: str, point: int, system: str) -> dict:
    if every_point_labelled(spec.scale):
        coding = scale_coding(system, spec.scale, point)
        return {"linkId": link_id, "answer": [{"valueCoding": coding}]}
    return {"linkId": link_id, "answer": [{"valueInteger": point}]}


def answered_score(answer: MeasureAnswer) -> QuestionnaireResponseItem:
    return QuestionnaireResponseItem(linkId=SCORE_ITEM, answer=[{"valueDecimal": answer.score}])


# --- Pain --------------------------------------------------------------------------------------


def pain_observation(log: SessionLog, ids: Ids, exported: set[int]) -> Observation:
    """A session's pain score; nothing else of the session (its note stays here)."""
    return Observation(
        id=ids.of("session-log", log.pk),
        status="final",
        category=[
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        code={
            "coding": [{"system": LOINC, "code": PAIN_CODE, "display": PAIN_DISPLAY}],
            "text": "Pain (0 to 10)",
        },
        subject=ids.patient,
        basedOn=[ids.reference("programme", log.prescription_id)]
        if log.prescription_id in exported
        else None,
        effectiveDateTime=log.date.isoformat(),
        valueInteger=log.pain,
    )
