"""What a patient sees through their private link: their issued programme, and their logs.

No account: the token in the URL is the key (patients.links). Everything here is
read from the newest *issued* handout's snapshot, so a patient sees exactly what
they were given, never a therapist's unsaved or unissued draft. The red-flag box is
the exception: it follows the patient's record today (patients.stop_box).
"""

import datetime

from django.db.models import Max
from django.utils import timezone

from exercises.models import Exercise
from hipclinic.files import picture_version
from patients.models import Handout, Patient, SessionLog


def latest_handout(patient: Patient) -> Handout | None:
    return (
        Handout.objects.filter(prescription__patient=patient)
        .select_related("prescription")
        .order_by("-issued_at", "-pk")
        .first()
    )


def clinic_today(patient: Patient) -> datetime.date:
    """Today's date where the clinic is, which is the day a patient's log counts for."""
    return timezone.now().astimezone(patient.clinic.zone).date()


def exercise_picture(patient: Patient, handout_id: int, number: int) -> tuple[str, str]:
    """The stored name and version of the picture of exercise ``number`` (from 1) in the
    patient's issued handout ``handout_id``; ("", "") when there is none. A link only
    reaches pictures its own patient was given: another patient's handout is "none".

    The version comes from the exercise that holds the picture (``picture_version``), so
    a browser that has it is answered without reading storage.
    """
    handout = (
        Handout.objects.filter(pk=handout_id, prescription__patient=patient)
        .values_list("snapshot", flat=True)
        .first()
    )
    exercises = (handout or {}).get("exercises", [])
    if not 1 <= number <= len(exercises):
        return "", ""
    name = exercises[number - 1].get("illustration", "")
    if not name:
        return "", ""
    changed = Exercise.objects.filter(illustration=name).aggregate(Max("updated_at"))
    return name, picture_version(name, changed["updated_at__max"])


def log_for_today(patient: Patient, handout: Handout, *, pain: int | None, note: str) -> SessionLog:
    """Record today's session against the handout the patient has; a second entry on the
    same day replaces the first."""
    log, _ = SessionLog.objects.update_or_create(
        patient=patient,
        date=clinic_today(patient),
        defaults={
            "pain": pain,
            "note": note,
            "prescription": handout.prescription,
            "handout": handout,
        },
    )
    return log
