"""The remote-monitoring day counts report for a clinic's staff, and its CSV."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from hipclinic.access import staff_required
from hipclinic.audit import audit
from hipclinic.models import AuditAction, Clinic
from patients.monitoring import PERIOD_DAYS, clinic_monitoring, csv_filename, write_csv
from patients.outcomes import clinic_day


def own_clinic(request) -> Clinic:
    """The report is one clinic's: a platform admin with no clinic of their own gets none."""
    if request.user.clinic_id is None:
        raise Http404
    return request.user.clinic


@staff_required
@permission_required("patients.view_sessionlog", raise_exception=True)
@require_safe
def monitoring_report(request):
    """Each patient's current 30-day period: days counted so far, the band, and the
    previous period's count."""
    clinic = own_clinic(request)
    today = clinic_day(timezone.now(), clinic)
    context = {"rows": clinic_monitoring(clinic, today), "today": today, "period_days": PERIOD_DAYS}
    return render(request, "patients/monitoring.html", context)


@staff_required
@permission_required("patients.view_sessionlog", raise_exception=True)
@require_safe
def monitoring_csv(request):
    """The report as a CSV download, audited, named for the clinic and the day."""
    clinic = own_clinic(request)
    today = clinic_day(timezone.now(), clinic)
    audit(request, AuditAction.DOWNLOADED, clinic)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(clinic, today)}"'
    response["Cache-Control"] = "private, no-store"
    write_csv(response, clinic_monitoring(clinic, today))
    return response
