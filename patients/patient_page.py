"""What a patient sees through their private link: their issued programme, and their logs.

No account: the token in the URL is the key (patients.links). Everything here is
read from the newest *issued* handout's snapshot, so a patient sees exactly what
they were given, never a therapist's unsaved or unissued draft. The red-flag box is
the exception: it follows the patient's record today (patients.stop_box).
"""

import base64
import datetime
import mimetypes

from django.core.files.storage import default_storage
from django.utils import timezone

from patients.models import Handout, Patient, SessionLog

# Pictures larger than this stay off the phone page (the PDF still has them).
MAX_INLINE_PICTURE = 1024 * 1024


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


def picture_data_url(name: str) -> str:
    """An illustration as a data: URL, so the page needs no second request for it.

    A missing or oversized file gives "", and the page simply shows no picture.
    """
    if not name:
        return ""
    content_type = mimetypes.guess_type(name)[0] or ""
    if content_type not in {"image/png", "image/jpeg", "image/svg+xml", "image/gif"}:
        return ""
    try:
        if default_storage.size(name) > MAX_INLINE_PICTURE:
            return ""
        with default_storage.open(name, "rb") as picture:
            data = picture.read()
    except (OSError, ValueError):
        return ""
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


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
