"""Staff actions on a patient's private links: create, extend, revoke, and email one.

Each calls its function in patients.links, which keeps the rules and audits the change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from hipclinic.access import client_ip, staff_required
from hipclinic.jobs import start_job
from hipclinic.models import JobKind
from patients.forms import ExtendLinkForm, NewLinkForm
from patients.links import (
    DISCHARGED,
    LinkRefused,
    create_link,
    extend_link,
    opens_until,
    revoke_link,
)
from patients.models import Patient, PatientLink
from patients.tasks import email_patient_link


def visible_patient(request, pk: int) -> Patient:
    return get_object_or_404(
        Patient.objects.visible_to(request.user).select_related("clinic"), pk=pk
    )


def back_to_patient(patient: Patient):
    return redirect("patients:patient_detail", patient.pk)


def visible_link(request, pk: int) -> PatientLink:
    return get_object_or_404(
        PatientLink.objects.visible_to(request.user).select_related("patient__clinic"), pk=pk
    )


def discharged(request, patient) -> bool:
    """True, with a message saying so, for a discharged patient: their links do not open,
    so none is made or sent."""
    if patient.is_active:
        return False
    messages.error(request, DISCHARGED)
    return True


def form_errors(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


@staff_required
@permission_required("patients.add_patientlink", raise_exception=True)
@require_POST
def link_create(request, pk: int):
    """A new private link for the patient, optionally retiring the older ones."""
    patient = visible_patient(request, pk)
    if discharged(request, patient):
        return back_to_patient(patient)
    form = NewLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back_to_patient(patient)
    create_link(
        patient,
        request.user,
        days=form.cleaned_data["days"],
        revoke_others=form.cleaned_data["revoke_others"],
        ip=client_ip(request),
    )
    revoked = " Older links no longer open." if form.cleaned_data["revoke_others"] else ""
    messages.success(request, f"New link created.{revoked}")
    return back_to_patient(patient)


@staff_required
@permission_required("patients.change_patientlink", raise_exception=True)
@require_POST
def link_revoke(request, pk: int):
    link = visible_link(request, pk)
    revoke_link(link, request.user, ip=client_ip(request))
    messages.success(request, "The link is revoked and no longer opens.")
    return back_to_patient(link.patient)


@staff_required
@permission_required("patients.change_patientlink", raise_exception=True)
@require_POST
def link_extend(request, pk: int):
    """Let a link open for longer, within the maximum; never a revoked one."""
    link = visible_link(request, pk)
    form = ExtendLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back_to_patient(link.patient)
    try:
        link = extend_link(
            link, request.user, days=form.cleaned_data["days"], ip=client_ip(request)
        )
    except LinkRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"The link now opens until {opens_until(link)}.")
    return back_to_patient(link.patient)


@staff_required
@permission_required("patients.add_patientlink", raise_exception=True)
@require_POST
def link_email(request, pk: int):
    """Email the patient their newest live link (making one if needed). No health details."""
    patient = visible_patient(request, pk)
    if not patient.email:
        messages.error(request, "Add the patient's email address first.")
        return back_to_patient(patient)
    if discharged(request, patient):
        return back_to_patient(patient)
    start_job(JobKind.EMAIL_LINK, patient.clinic, request.user, email_patient_link, patient.pk)
    messages.success(request, f"The link is on its way to {patient.email}.")
    return back_to_patient(patient)
