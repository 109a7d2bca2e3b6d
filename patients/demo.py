"""Demo data for trying hipclinic locally: two clinics that never see each other's patients.

Every name here is invented. Running it again creates only what is missing and
never changes or removes a row, so a tester's edits survive.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from exercises.models import Condition, Protocol
from hipclinic.models import Clinic, PaperSize, Role, User
from patients.alerts import alert_for_log
from patients.handouts import CannotIssue, issue_handout
from patients.models import (
    Handout,
    Measure,
    MeasureSchedule,
    Patient,
    Prescription,
    PrescriptionStatus,
    SessionLog,
)
from patients.outcomes import load_measures, record_answer
from patients.prescribing import prescription_from_protocol

DEMO_PASSWORD = "demo-hip-2026"

# A demo patient whose log today set off an alert, so Today has one to acknowledge.
DEMO_ALERT = {"N-1001": (8, "Sharp pain low in my back when I bent down for the bridge.")}

# Demo patients with conditions to take care with, so the builder's warning can be tried:
# adding a figure-four stretch for George Mensah asks the therapist to confirm.
DEMO_CONDITIONS = {"N-1004": [Condition.HIP_POSTERIOR], "H-2002": [Condition.OSTEOPOROSIS]}

CLINICS = [
    {
        "slug": "northside",
        "name": "Northside Physiotherapy",
        "address": "12 Mill Lane\nNorthside",
        "phone": "555 0101",
        "paper_size": PaperSize.A4,
        "staff": [
            ("northside-manager", Role.MANAGER, "Priya Shah", "PT, clinic manager"),
            ("northside-therapist", Role.THERAPIST, "Tom Becker", "PT, DPT"),
        ],
        "patients": [
            ("N-1001", "Maria", "Okafor", datetime.date(1961, 3, 14), "Low back pain", "outer-hip"),
            ("N-1002", "Daniel", "Lindqvist", datetime.date(1978, 9, 2), "Stiff hips", "chair"),
            ("N-1003", "Aiko", "Tanaka", datetime.date(1990, 12, 20), "Hip tightness", "floor"),
            ("N-1004", "George", "Mensah", datetime.date(1949, 6, 8), "Low back pain", None),
        ],
    },
    {
        "slug": "harbour",
        "name": "Harbour Street Physical Therapy",
        "address": "4 Harbour Street\nPort Town",
        "phone": "555 0202",
        "paper_size": PaperSize.LETTER,
        "staff": [
            ("harbour-manager", Role.MANAGER, "Elena Petrova", "PT, clinic manager"),
            ("harbour-therapist", Role.THERAPIST, "Sam Whitfield", "PT"),
        ],
        "patients": [
            ("H-2001", "Lucia", "Fernandez", datetime.date(1983, 4, 30), "Hip tightness", "ten"),
            (
                "H-2002",
                "Owen",
                "Gallagher",
                datetime.date(1955, 1, 11),
                "Low back pain",
                "outer-hip",
            ),
            ("H-2003", "Nadia", "Haddad", datetime.date(1972, 7, 19), "Stiff hips", "chair"),
        ],
    },
]

# Which shipped protocol each demo programme starts from, found by words in its name.
PROTOCOL_HINTS = {
    "outer-hip": "outer",
    "chair": "chair",
    "floor": "floor",
    "ten": "ten",
}

PLATFORM_ADMIN = "platform-admin"


@dataclass
class DemoLogin:
    username: str
    role: str
    clinic: str


def _protocol(hint: str) -> Protocol | None:
    word = PROTOCOL_HINTS[hint]
    return Protocol.objects.filter(clinic__isnull=True, name__icontains=word).order_by("pk").first()


def _user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    """Create the demo clinics, staff, patients and programmes that are missing."""
    logins = []
    _user(PLATFORM_ADMIN, is_staff=True, is_superuser=True, display_name="Platform admin")
    logins.append(DemoLogin(PLATFORM_ADMIN, "platform admin (superuser)", "all clinics"))
    today = timezone.localdate()
    for spec in CLINICS:
        clinic, _ = Clinic.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "address": spec["address"],
                "phone": spec["phone"],
                "paper_size": spec["paper_size"],
            },
        )
        staff = {}
        for username, role, display_name, credentials in spec["staff"]:
            staff[role] = _user(
                username,
                clinic=clinic,
                role=role,
                is_staff=True,
                display_name=display_name,
                credentials=credentials,
            )
            logins.append(DemoLogin(username, Role(role).label.lower(), clinic.name))
        therapist = staff[Role.THERAPIST]
        for chart, first, last, born, condition, hint in spec["patients"]:
            patient, _ = Patient.objects.get_or_create(
                clinic=clinic,
                chart_number=chart,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "date_of_birth": born,
                    "condition": condition,
                    "conditions": DEMO_CONDITIONS.get(chart, []),
                    "primary_therapist": therapist,
                },
            )
            protocol = _protocol(hint) if hint else None
            if protocol and not patient.prescriptions.filter(protocol=protocol).exists():
                prescription = prescription_from_protocol(patient, protocol, therapist)
                started = today - datetime.timedelta(days=DEMO_DAYS_IN)
                Prescription.objects.filter(pk=prescription.pk).update(
                    status=PrescriptionStatus.ACTIVE,
                    start_date=started,
                    review_date=started + datetime.timedelta(weeks=4),
                )
                _demo_issue(prescription, therapist, started)
                _demo_logs(patient, prescription, started)
                _demo_measures(patient, prescription, therapist)
    return logins


# Demo programmes started three weeks ago, so the patient page has sessions and pain to chart.
DEMO_DAYS_IN = 20
DEMO_LOG_DAYS = [0, 1, 2, 4, 5, 7, 8, 10, 13, 14, 15, 17, 19]


def _demo_issue(prescription: Prescription, therapist: User, started: datetime.date) -> None:
    """Issue the demo programme's handout, dated the day it started, so its figures count
    from then (patients.adherence counts from the first issue)."""
    try:
        handout = issue_handout(prescription, therapist)
    except CannotIssue:  # an exercise waiting for the therapist's check: left as a draft
        return
    noon = datetime.datetime.combine(started, datetime.time(12))
    Handout.objects.filter(pk=handout.pk).update(issued_at=timezone.make_aware(noon))


def _demo_logs(patient: Patient, prescription: Prescription, started: datetime.date) -> None:
    handout = prescription.handouts.first()
    for n, day in enumerate(DEMO_LOG_DAYS):
        SessionLog.objects.get_or_create(
            patient=patient,
            date=started + datetime.timedelta(days=day),
            defaults={
                "prescription": prescription,
                "handout": handout,
                "pain": max(6 - n // 2, 1) if n % 4 else None,
            },
        )
    if patient.chart_number in DEMO_ALERT and handout is not None:
        pain, note = DEMO_ALERT[patient.chart_number]
        log, _ = SessionLog.objects.get_or_create(
            patient=patient,
            date=timezone.localdate(),
            defaults={"prescription": prescription, "handout": handout, "pain": pain, "note": note},
        )
        alert_for_log(log)


# Outcome measures: Maria Okafor's programme asks for the PSFS and the pain rating, with a
# baseline four weeks ago and a later answer, so her record shows the charts and the change
# in words; Daniel Lindqvist's asks for the PSFS, not answered yet, so it is due.
DEMO_MEASURES = {
    "N-1001": {
        "psfs": [
            (28, [["Climbing stairs", 3], ["Putting on socks", 2], ["Getting out of the car", 4]]),
            (8, [["Climbing stairs", 6], ["Putting on socks", 5], ["Getting out of the car", 6]]),
        ],
        "nprs": [(28, {"pain": 6}), (8, {"pain": 3})],
    },
    "N-1002": {"psfs": []},
}
DEMO_MEASURE_WEEKS = 2


def _demo_measures(patient: Patient, prescription: Prescription, therapist: User) -> None:
    """Attach the demo measures and their answers (the programme's handout is moved back to
    the first answer's day, so those answers count from its first issue)."""
    wanted = DEMO_MEASURES.get(patient.chart_number)
    if not wanted:
        return
    if not Measure.objects.filter(clinic=None, slug="psfs").exists():
        load_measures()
    today = timezone.localdate()
    for slug, answers in wanted.items():
        measure = Measure.objects.get(clinic=None, slug=slug)
        MeasureSchedule.objects.get_or_create(
            prescription=prescription,
            measure=measure,
            defaults={"every_weeks": DEMO_MEASURE_WEEKS, "created_by": therapist},
        )
        if answers:
            first = today - datetime.timedelta(days=answers[0][0])
            noon = timezone.make_aware(datetime.datetime.combine(first, datetime.time(9)))
            prescription.handouts.filter(issued_at__gt=noon).update(issued_at=noon)
        for days_ago, values in answers:
            key = "activities" if slug == "psfs" else "items"
            record_answer(
                patient,
                measure,
                {key: values},
                answered_on=today - datetime.timedelta(days=days_ago),
                prescription=prescription,
            )
