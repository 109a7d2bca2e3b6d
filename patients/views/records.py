"""The therapist's day: the Today dashboard and patient records."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, Min, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hipclinic.access import staff_required
from hipclinic.audit import audit
from hipclinic.models import AuditAction, PaperSize
from hipclinic.paging import paginate
from patients.adherence import days_asked, last_seven_days, progress_context, start_from
from patients.alerts import open_alerts_for
from patients.chart_numbers import ChartNumberTaken
from patients.charts import measure_chart
from patients.forms import PatientFilterForm, PatientForm
from patients.models import (
    Handout,
    Measure,
    Patient,
    Prescription,
    PrescriptionStatus,
    SessionLog,
)
from patients.outcomes import (
    answers_on_record,
    due_measures,
    named_activities,
    patients_with_measures_due,
    progress_of,
)
from patients.patient_page import clinic_today
from patients.views.links import link_box

TODAY_LIMIT = 10
TIMELINE_PAGE = 30


@staff_required
@require_safe
def today(request):
    """The therapist's start page: alerts that need them first, then their patients, reviews
    due, unissued drafts and recent logs."""
    user, date = request.user, timezone.localdate()
    programmes = Prescription.objects.visible_to(user).select_related("patient", "therapist")
    issued = Handout.objects.filter(prescription=OuterRef("pk"))
    context = {
        "today": date,
        "alerts": open_alerts_for(user),
        "my_patients": my_patients_this_week(user, date),
        "reviews_due": programmes.exclude(status=PrescriptionStatus.ENDED)
        .filter(review_date__lte=date, patient__is_active=True)
        .order_by("review_date")[:TODAY_LIMIT],
        "drafts": programmes.filter(status=PrescriptionStatus.DRAFT)
        .exclude(Exists(issued))
        .order_by("-updated_at")[:TODAY_LIMIT],
        "recent_logs": SessionLog.objects.visible_to(user)
        .select_related("patient__clinic")
        .order_by("-date", "-updated_at")[:TODAY_LIMIT],
        "measures_due": patients_with_measures_due(
            Patient.objects.visible_to(user).filter(is_active=True), date
        )[:TODAY_LIMIT],
    }
    return render(request, "patients/today.html", context)


def my_patients_this_week(user, date) -> list[Patient]:
    """The user's active patients, each with ``week``: sessions logged in the last 7 days
    against the days their current programme asks for (patients.adherence.LastSevenDays),
    or None when no programme has been issued to them.

    Three queries for any number of patients; the rule for the days that count is
    patients.adherence's, as on the patient's record."""
    newest_issue = Handout.objects.filter(prescription__patient=OuterRef("pk")).order_by(
        "-issued_at", "-pk"
    )
    patients = list(
        Patient.objects.visible_to(user)
        .filter(primary_therapist=user, is_active=True)
        .annotate(programme_id=Subquery(newest_issue.values("prescription_id")[:1]))[:TODAY_LIMIT]
    )
    programmes = Prescription.objects.filter(
        pk__in=[patient.programme_id for patient in patients]
    ).annotate(first_issue=Min("handouts__issued_at"), most_days=Max("items__days_per_week"))
    programmes = {programme.pk: programme for programme in programmes}
    logged = defaultdict(set)
    for patient_id, day in SessionLog.objects.filter(
        patient__in=patients, date__gt=date - datetime.timedelta(days=7), date__lte=date
    ).values_list("patient_id", "date"):
        logged[patient_id].add(day)
    for patient in patients:
        programme = programmes.get(patient.programme_id)
        patient.week = programme and last_seven_days(
            start_from(programme.start_date, programme.first_issue),
            date,
            logged[patient.pk],
            days_asked(programme.most_days),
        )
    return patients


@staff_required
@require_safe
def patient_list(request):
    """The clinic's patients, searchable by name or chart number, a page at a time."""
    patients = Patient.objects.visible_to(request.user).select_related("primary_therapist")
    filters = PatientFilterForm(request.GET)
    asked = filters.choices()
    context = {
        **paginate(request, filters.filter(patients, request.user)),
        **asked,
        "status_choices": PatientFilterForm.STATUS_CHOICES,
        "whose_choices": PatientFilterForm.WHOSE_CHOICES,
    }
    return render(request, "patients/patient_list.html", context)


def visible_patient(request, pk: int) -> Patient:
    return get_object_or_404(
        Patient.objects.visible_to(request.user).select_related("clinic", "primary_therapist"),
        pk=pk,
    )


@staff_required
@require_safe
def patient_detail(request, pk: int):
    """A patient's record: alerts, programmes, sessions and pain, every log newest first,
    and private links."""
    patient = visible_patient(request, pk)
    audit(request, AuditAction.VIEWED, patient)
    programmes = (
        patient.prescriptions.select_related("therapist")
        .annotate(handouts_issued=Count("handouts"))
        .order_by("-updated_at")
    )
    logs = (
        SessionLog.objects.filter(patient=patient)
        .select_related("handout__prescription")
        .prefetch_related("alerts")
        .order_by("-date")
    )
    context = {
        "patient": patient,
        "paper": PaperSize(patient.handout_paper_size).label,
        "alerts": patient.alerts.select_related("session_log", "acknowledged_by").order_by(
            "acknowledged_at", "-urgent", "-created_at"
        ),
        **paginate(request, logs, per_page=TIMELINE_PAGE),
        "programmes": programmes,
        **link_box(patient),
        **progress_context(patient, timezone.localdate()),
        **measures_context(patient),
    }
    return render(request, "patients/patient_detail.html", context)


def measures_context(patient: Patient) -> dict:
    """What templates/patients/_measures.html needs: each measure answered, with its
    chart, the change in words and every answer (corrected ones too); the measures due;
    and the measures staff may type answers for."""
    today = clinic_today(patient)
    on_record = answers_on_record(patient)
    measures = [
        {
            "progress": progress,
            "chart": measure_chart(progress, today),
            "answers": on_record[progress.measure.pk],
            "activities": named_activities(patient, progress.measure),
        }
        for progress in progress_of(patient)
    ]
    return {
        "measures": measures,
        "measures_due": due_measures(patient, today),
        "measures_to_enter": Measure.objects.for_clinic(patient.clinic_id).filter(is_active=True),
    }


def saved(form: PatientForm) -> bool:
    """Save a valid patient form; False, with the error on the form, when the chart number
    was taken by someone saving at the same moment (Patient.save)."""
    try:
        form.save()
    except ChartNumberTaken as error:
        form.add_error(None, error)
        return False
    return True


@staff_required
@permission_required("patients.add_patient", raise_exception=True)
@require_http_methods(["GET", "POST"])
def patient_new(request):
    if request.user.clinic is None:
        raise PermissionDenied
    clinic = request.user.clinic
    form = PatientForm(
        request.POST or None, clinic=clinic, initial={"primary_therapist": request.user}
    )
    if request.method == "POST" and form.is_valid() and saved(form):
        patient = form.instance
        audit(request, AuditAction.CREATED, patient)
        messages.success(request, _("Added %(name)s.") % {"name": patient.full_name})
        return redirect("patients:patient_detail", patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@staff_required
@permission_required("patients.change_patient", raise_exception=True)
@require_http_methods(["GET", "POST"])
def patient_edit(request, pk: int):
    patient = visible_patient(request, pk)
    form = PatientForm(request.POST or None, instance=patient, clinic=patient.clinic)
    if request.method == "POST" and form.is_valid() and saved(form):
        audit(request, AuditAction.CHANGED, patient)
        messages.success(request, _("Saved %(name)s's record.") % {"name": patient.full_name})
        return redirect("patients:patient_detail", patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})
