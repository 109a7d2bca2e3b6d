"""Staff downloads for the clinic's record system: a patient's record as FHIR R4 JSON
(patients.fhir_export) and a programme's note for the chart as text (patients.chart_note).

Both look the row up through ``visible_to(request.user)``, so another clinic's patient or
programme is the same 404 as one that does not exist; both are audited as downloads.
File names hold ids and the day, never a name.
"""

import json

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from hipclinic.access import staff_required
from hipclinic.audit import audit
from hipclinic.models import AuditAction
from patients.chart_note import chart_note
from patients.fhir_export import patient_bundle
from patients.views.handouts import visible_prescription
from patients.views.records import visible_patient

FHIR_JSON = "application/fhir+json"


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def clinic_today(clinic) -> str:
    return timezone.localtime(timezone.now(), clinic.zone).date().isoformat()


@staff_required
@require_safe
def patient_fhir(request, pk: int):
    """The patient's record as a FHIR R4 Bundle, e.g. ``patient-42-fhir-2026-11-23.json``."""
    patient = visible_patient(request, pk)
    audit(request, AuditAction.DOWNLOADED, patient)
    content = json.dumps(patient_bundle(patient), indent=2, ensure_ascii=False).encode()
    filename = f"patient-{patient.pk}-fhir-{clinic_today(patient.clinic)}.json"
    return attachment(content, FHIR_JSON, filename)


@staff_required
@require_safe
def chart_note_download(request, pk: int):
    """The programme's note for the chart, e.g. ``programme-7-chart-note-2026-11-23.txt``."""
    programme = visible_prescription(request, pk)
    audit(request, AuditAction.DOWNLOADED, programme)
    filename = f"programme-{programme.pk}-chart-note-{clinic_today(programme.clinic)}.txt"
    return attachment(chart_note(programme).encode(), "text/plain; charset=utf-8", filename)
