"""The therapist's day: the Today dashboard and patient records."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from hipclinic.access import staff_required
from hipclinic.audit import audit
from hipclinic.models import AuditAction
from hipclinic.paging import paginate
from patients.adherence import days_asked, percent_done, progress_context
from patients.chart_numbers import ChartNumberTaken
from patients.forms import ExtendLinkForm, NewLinkForm, PatientFilterForm, PatientForm
from patients.link_handouts import (
    handout_label,
    handouts_on_open_links,
    handouts_to_issue_again,
    links_on_paper,
)
from patients.models import (
    Handout,
    Patient,
    Prescription,
    PrescriptionItem,
    PrescriptionStatus,
    SessionLog,
)

TODAY_LIMIT = 10


@staff_required
@require_safe
def today(request):
    """The therapist's start page: their patients, reviews due, unissued drafts, recent logs."""
    user, date = request.user, timezone.localdate()
    programmes = Prescription.objects.visible_to(user).select_related("patient", "therapist")
    issued = Handout.objects.filter(prescription=OuterRef("pk"))
    context = {
        "today": date,
        "my_patients": my_patients_this_week(user, date),
        "reviews_due": programmes.exclude(status=PrescriptionStatus.ENDED)
        .filter(review_date__lte=date, patient__is_active=True)
        .order_by("review_date")[:TODAY_LIMIT],
        "drafts": programmes.filter(status=PrescriptionStatus.DRAFT)
        .exclude(Exists(issued))
        .order_by("-updated_at")[:TODAY_LIMIT],
        "recent_logs": SessionLog.objects.visible_to(user)
        .select_related("patient")
        .order_by("-date", "-updated_at")[:TODAY_LIMIT],
    }
    return render(request, "patients/today.html", context)


def my_patients_this_week(user, date) -> list[Patient]:
    """The user's active patients, each with sessions logged in the last 7 days against the
    days their active programmes ask for (``adherence``, a percentage, or None).

    The counting is one query for every patient; the rule for the days asked and the
    percentage is patients.adherence's, as on the patient's page."""
    week = Q(session_logs__date__gt=date - datetime.timedelta(days=7), session_logs__date__lte=date)
    active_items = PrescriptionItem.objects.filter(
        prescription__patient=OuterRef("pk"), prescription__status=PrescriptionStatus.ACTIVE
    )
    patients = list(
        Patient.objects.visible_to(user)
        .filter(primary_therapist=user, is_active=True)
        .annotate(
            logs_this_week=Count("session_logs", filter=week),
            has_programme=Exists(active_items),
            most_days=Subquery(
                active_items.values("prescription__patient")
                .annotate(most=Max("days_per_week"))
                .values("most")[:1]
            ),
        )[:TODAY_LIMIT]
    )
    for patient in patients:
        patient.days_asked = days_asked(patient.most_days) if patient.has_programme else None
        patient.adherence = percent_done(patient.logs_this_week, patient.days_asked or 0)
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
    """A patient's record, programmes, private links, and sessions logged."""
    patient = visible_patient(request, pk)
    audit(request, AuditAction.VIEWED, patient)
    links = links_on_paper(patient)
    programmes = (
        patient.prescriptions.select_related("therapist")
        .annotate(handouts_issued=Count("handouts"))
        .order_by("-updated_at")
    )
    context = {
        "patient": patient,
        "programmes": programmes,
        "patient_links": links,
        "on_open_links": handouts_on_open_links(links),
        "to_issue_again": [handout_label(h) for h in handouts_to_issue_again(patient)],
        "link_form": NewLinkForm(),
        "extend_link_form": ExtendLinkForm(),
        **progress_context(patient, timezone.localdate()),
    }
    return render(request, "patients/patient_detail.html", context)


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
        messages.success(request, f"Added {patient.full_name}.")
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
        messages.success(request, f"Saved {patient.full_name}'s record.")
        return redirect("patients:patient_detail", patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})
