"""The patient's record as FHIR R4 (issue 20 §5): a collection Bundle of the Patient, each
issued programme as a CarePlan, each measure and current answer as a Questionnaire and
QuestionnaireResponse, and each pain score as an Observation (LOINC 72514-3). Every
bundle these tests export is validated with fhir.resources' R4B Bundle.

Downloaded from the patient's record by staff of the patient's clinic only, audited."""

import datetime
import json
from collections import Counter

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from exercises.dosing import dose_sentence
from hipclinic.models import AuditAction, AuditEvent
from patients.fhir_export import patient_bundle
from patients.models import Measure, PrescriptionStatus
from patients.outcomes import load_measures, record_answer
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
    UserFactory,
    issued_on,
)

pytestmark = pytest.mark.django_db

NOV_3 = datetime.date(2026, 11, 3)
DAY = datetime.timedelta(days=1)
ACTIVITIES = ["Climbing stairs", "Putting on socks", "Gardening"]


def validated(bundle: dict) -> Bundle:
    """The exported bundle read back by the FHIR library: every test's export goes through it."""
    return Bundle.model_validate(bundle)


def exported(patient) -> dict:
    bundle = patient_bundle(patient)
    validated(bundle)
    return bundle


def resources(bundle: dict, kind: str) -> list[dict]:
    return [
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind
    ]


def full_url(bundle: dict, kind: str) -> str:
    (entry,) = [entry for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]
    return entry["fullUrl"]


def plan_url(bundle: dict, title: str) -> str:
    (entry,) = [entry for entry in bundle["entry"] if entry["resource"].get("title") == title]
    return entry["fullUrl"]


@pytest.fixture
def measures():
    load_measures()
    return {measure.slug: measure for measure in Measure.objects.all()}


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(
        clinic=clinic,
        first_name="Robin",
        last_name="Quill",
        chart_number="NS-2041",
        date_of_birth=datetime.date(1961, 4, 9),
        email="robin.quill@example.com",
        phone="555 0199",
        condition="Labral tear, left hip",
        notes="Prefers morning calls; daughter drives.",
        primary_therapist=therapist,
    )


@pytest.fixture
def programme(patient, therapist):
    """An active programme of three exercises, issued on 3 November."""
    programme = PrescriptionFactory(
        patient=patient,
        therapist=therapist,
        title="Hip strength",
        status=PrescriptionStatus.ACTIVE,
        start_date=NOV_3,
        review_date=NOV_3 + 42 * DAY,
    )
    doses = [
        {"sets": 2, "reps": 10, "side": "each", "times_per_day": 1, "days_per_week": 5},
        {"sets": None, "reps": None, "hold": 30, "times_per_day": 2, "days_per_week": 7},
        {"sets": 3, "reps": 8, "times_per_day": None, "days_per_week": None},
    ]
    for order, (name, dose) in enumerate(
        zip(["Clamshell", "Bridge", "Sit to stand"], doses, strict=True)
    ):
        PrescriptionItemFactory(
            prescription=programme,
            order=order,
            exercise=ExerciseFactory(clinic=patient.clinic, name=name),
            note="Keep your feet together." if name == "Clamshell" else "",
            **dose,
        )
    issued_on(programme, NOV_3)
    return programme


@pytest.fixture
def record(patient, programme, therapist, measures):
    """A record with something of everything: an ended and a draft programme, pain logs (one
    without a score), PSFS twice, a corrected pain rating, and a GROC typed in by staff."""
    ended = PrescriptionFactory(
        patient=patient,
        therapist=therapist,
        title="Early mobility",
        status=PrescriptionStatus.ENDED,
    )
    PrescriptionItemFactory(prescription=ended, exercise=ExerciseFactory(clinic=patient.clinic))
    PrescriptionFactory(patient=patient, therapist=therapist, title="Draft not given")
    for offset, pain in [(1, 6), (2, 5), (3, None)]:
        SessionLogFactory(
            patient=patient,
            prescription=programme,
            date=NOV_3 + offset * DAY,
            pain=pain,
            note="Sore after the school run",
        )
    first = [[name, point] for name, point in zip(ACTIVITIES, [3, 4, 2], strict=True)]
    record_answer(patient, measures["psfs"], {"activities": first}, answered_on=NOV_3)
    later = [[name, point] for name, point in zip(ACTIVITIES, [6, 6, 5], strict=True)]
    record_answer(
        patient,
        measures["psfs"],
        {"activities": later},
        answered_on=NOV_3 + 21 * DAY,
        prescription=programme,
    )
    wrong = record_answer(patient, measures["nprs"], {"items": {"pain": 9}}, answered_on=NOV_3)
    record_answer(patient, measures["nprs"], {"items": {"pain": 6}}, corrects=wrong)
    record_answer(
        patient,
        measures["groc"],
        {"items": {"change": 4}},
        answered_on=NOV_3 + 28 * DAY,
        entered_by=therapist,
    )
    return patient


@pytest.fixture
def staff_client(client, therapist):
    client.force_login(therapist)
    return client


def download_url(patient) -> str:
    return reverse("patients:patient_fhir", args=[patient.pk])


# --- What the bundle holds ---------------------------------------------------------------------


def test_the_bundle_validates_and_holds_one_resource_of_each_kind_per_row(record):
    bundle = validated(patient_bundle(record))

    assert bundle.type == "collection"
    kinds = Counter(entry.resource.get_resource_type() for entry in bundle.entry)
    assert kinds == {
        "Patient": 1,
        "CarePlan": 2,  # the active and the ended programme; never the draft
        "Questionnaire": 3,  # PSFS, pain rating, Global Rating of Change
        "QuestionnaireResponse": 4,  # PSFS twice, the corrected pain rating once, GROC
        "Observation": 2,  # the two logs with a pain score
    }


def test_the_patient_is_the_chart_number_name_and_birth_date_only(record, clinic):
    bundle = exported(record)

    (patient,) = resources(bundle, "Patient")
    assert set(patient) == {"resourceType", "id", "identifier", "name", "birthDate"}
    (identifier,) = patient["identifier"]
    assert identifier["value"] == "NS-2041"
    assert identifier["system"].endswith(f"/clinics/{clinic.slug}/chart-numbers")
    assert patient["name"] == [{"text": "Robin Quill", "family": "Quill", "given": ["Robin"]}]
    assert patient["birthDate"] == "1961-04-09"


def test_nothing_of_notes_conditions_email_or_session_notes_leaves_in_the_export(record):
    text = json.dumps(exported(record))

    for private in [
        "robin.quill@example.com",
        "555 0199",
        "Labral tear",
        "Prefers morning calls",
        "Sore after the school run",
        "Draft not given",
    ]:
        assert private not in text


def test_each_care_plan_activity_is_an_exercise_in_order_with_its_dose_in_words(record, programme):
    bundle = exported(record)

    plan = next(plan for plan in resources(bundle, "CarePlan") if plan["title"] == "Hip strength")
    assert plan["status"] == "active"
    assert plan["intent"] == "plan"
    assert plan["subject"] == {"reference": full_url(bundle, "Patient")}
    assert plan["period"] == {"start": "2026-11-03", "end": "2026-12-15"}
    details = [activity["detail"] for activity in plan["activity"]]
    items = list(programme.items.order_by("order"))
    assert [detail["description"] for detail in details] == ["Clamshell", "Bridge", "Sit to stand"]
    assert [detail["scheduledTiming"]["code"]["text"] for detail in details] == [
        dose_sentence(item) for item in items
    ]
    assert details[0]["scheduledTiming"]["code"]["text"] == (
        "Do 2 sets of 10 on each side. Once a day, 5 days a week."
    )
    assert plan["activity"][0]["progress"] == [{"text": "Keep your feet together."}]
    assert "progress" not in plan["activity"][1]


def test_how_often_is_a_timing_where_the_dose_says_so(record):
    bundle = exported(record)

    plan = next(plan for plan in resources(bundle, "CarePlan") if plan["title"] == "Hip strength")
    repeats = [activity["detail"]["scheduledTiming"].get("repeat") for activity in plan["activity"]]
    assert repeats == [
        {"frequency": 5, "period": 1, "periodUnit": "wk"},  # once a day, 5 days a week
        {"frequency": 2, "period": 1, "periodUnit": "d"},  # twice a day, every day
        None,  # the dose says nothing of how often
    ]


def test_an_ended_programme_is_a_completed_care_plan(record):
    bundle = exported(record)

    plan = next(plan for plan in resources(bundle, "CarePlan") if plan["title"] == "Early mobility")
    assert plan["status"] == "completed"
    assert {activity["detail"]["status"] for activity in plan["activity"]} == {"completed"}


def test_pain_scores_are_observations_coded_loinc_72514_3(record):
    bundle = exported(record)

    observations = resources(bundle, "Observation")
    assert [(o["effectiveDateTime"], o["valueInteger"]) for o in observations] == [
        ("2026-11-04", 6),
        ("2026-11-05", 5),
    ]
    for observation in observations:
        assert observation["status"] == "final"
        assert observation["code"]["coding"] == [
            {
                "system": "http://loinc.org",
                "code": "72514-3",
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            }
        ]
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["subject"] == {"reference": full_url(bundle, "Patient")}
        assert observation["basedOn"] == [{"reference": plan_url(bundle, "Hip strength")}]


def test_a_response_per_current_answer_and_none_for_a_corrected_one(record):
    bundle = exported(record)

    responses = resources(bundle, "QuestionnaireResponse")
    pain = [r for r in responses if "/measures/nprs|" in r["questionnaire"]]
    (corrected,) = pain
    assert corrected["item"][0] == {"linkId": "pain", "answer": [{"valueInteger": 6}]}
    assert [r["authored"] for r in responses] == [
        "2026-11-03",
        "2026-11-03",
        "2026-11-24",
        "2026-12-01",
    ]
    assert {r["status"] for r in responses} == {"completed"}


def test_each_response_names_the_questionnaire_in_the_bundle(record):
    bundle = exported(record)

    canonical = {f"{q['url']}|{q['version']}" for q in resources(bundle, "Questionnaire")}
    assert {r["questionnaire"] for r in resources(bundle, "QuestionnaireResponse")} == canonical


def test_a_psfs_response_holds_each_activity_its_rating_and_the_score(record):
    bundle = exported(record)

    psfs = [r for r in resources(bundle, "QuestionnaireResponse") if "/psfs|" in r["questionnaire"]]
    latest = psfs[-1]
    groups = [item for item in latest["item"] if item["linkId"] == "activities"]
    assert [
        (
            group["item"][0]["answer"][0]["valueString"],
            group["item"][1]["answer"][0]["valueInteger"],
        )
        for group in groups
    ] == [("Climbing stairs", 6), ("Putting on socks", 6), ("Gardening", 5)]
    assert latest["item"][-1] == {"linkId": "score", "answer": [{"valueDecimal": 5.67}]}
    assert latest["basedOn"] == [{"reference": plan_url(bundle, "Hip strength")}]
    assert "basedOn" not in psfs[0]  # answered with no programme named


def test_the_psfs_questionnaire_is_a_repeating_group_of_activity_and_rating(record):
    bundle = exported(record)

    psfs = next(q for q in resources(bundle, "Questionnaire") if q["url"].endswith("/psfs"))
    group, score = psfs["item"]
    assert (group["type"], group["repeats"]) == ("group", True)
    assert [(item["linkId"], item["type"]) for item in group["item"]] == [
        ("activity", "string"),
        ("rating", "integer"),
    ]
    assert [extension["valueInteger"] for extension in group["item"][1]["extension"]] == [0, 10]
    assert (score["linkId"], score["type"], score["readOnly"]) == ("score", "decimal", True)


def test_the_global_rating_of_change_is_a_choice_of_its_words(record):
    bundle = exported(record)

    groc = next(q for q in resources(bundle, "Questionnaire") if q["url"].endswith("/groc"))
    options = groc["item"][0]["answerOption"]
    assert groc["item"][0]["type"] == "choice"
    assert len(options) == 15
    assert options[11]["valueCoding"]["code"] == "4"
    assert options[11]["valueCoding"]["display"] == "Moderately better"
    (response,) = [
        r for r in resources(bundle, "QuestionnaireResponse") if "/groc|" in r["questionnaire"]
    ]
    assert response["item"][0]["answer"][0]["valueCoding"]["display"] == "Moderately better"


def test_an_answer_typed_in_by_staff_says_so_and_the_patient_stays_its_source(record, therapist):
    bundle = exported(record)

    patient = {"reference": full_url(bundle, "Patient")}
    responses = resources(bundle, "QuestionnaireResponse")
    staff = [r for r in responses if "/groc|" in r["questionnaire"]][0]
    own = [r for r in responses if "/psfs|" in r["questionnaire"]][0]
    assert staff["author"] == {"display": f"Entered by staff: {therapist}"}
    assert own["author"] == patient
    assert staff["source"] == own["source"] == patient


def test_references_inside_the_bundle_point_at_its_entries(record):
    bundle = exported(record)

    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    text = json.dumps(bundle)
    references = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert references and references <= urls
    assert all(url.startswith("urn:uuid:") for url in urls)


def test_a_patient_with_nothing_yet_exports_the_patient_alone(clinic):
    bundle = exported(PatientFactory(clinic=clinic, date_of_birth=None))

    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["Patient"]


# --- The download ------------------------------------------------------------------------------


def test_staff_download_the_record_as_fhir_json(staff_client, record, therapist):
    response = staff_client.get(download_url(record))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="patient-{record.pk}-fhir-' in disposition
    assert "Quill" not in disposition and "NS-2041" not in disposition
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.entry[0].resource.identifier[0].value == "NS-2041"
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED)
    assert (event.actor, event.target_type, event.target_id) == (
        therapist,
        "patients.patient",
        str(record.pk),
    )


def test_two_downloads_of_unchanged_data_are_the_same_bytes(staff_client, record):
    first = staff_client.get(download_url(record)).content
    second = staff_client.get(download_url(record)).content

    assert first == second


def test_another_clinics_patient_is_the_same_404_as_an_unknown_one(client, record, other_clinic):
    client.force_login(UserFactory(clinic=other_clinic))

    theirs = client.get(download_url(record))
    unknown = client.get(reverse("patients:patient_fhir", args=[record.pk + 1000]))

    assert theirs.status_code == unknown.status_code == 404
    assert theirs.content == unknown.content
    assert b"Quill" not in theirs.content
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOADED).exists()


def test_the_record_page_offers_the_download(staff_client, patient):
    page = staff_client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    assert f'href="{download_url(patient)}"' in page
    assert "Download FHIR record (JSON)" in page
