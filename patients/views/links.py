"""Staff actions on a patient's private links: create, extend, revoke, and email one, and
issue again the handouts whose QR code a revocation stopped; and the link box on the
patient's record that offers them (``link_box``).

Each action calls its function in patients.links (or patients.link_handouts), which keeps
the rules and audits the change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipclinic.access import client_ip, staff_required
from hipclinic.jobs import start_job
from hipclinic.models import JobKind
from patients.forms import ExtendLinkForm, NewLinkForm
from patients.handouts import CannotIssue, qr_svg
from patients.link_handouts import (
    LinkOnPaper,
    handout_label,
    handout_labels,
    handouts_on_open_links,
    handouts_to_issue_again,
    issue_again_for,
    links_on_paper,
)
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


def current_link(rows: list[LinkOnPaper]) -> LinkOnPaper | None:
    """The newest link that opens: the one the box shows whole, as a QR code, and emails."""
    return next((row for row in rows if row.url), None)


def can_email_link(patient: Patient, rows: list[LinkOnPaper]) -> bool:
    """Whether there is a link to email and somewhere to send it: an open link, and the
    patient's email address (a discharged patient's links never open)."""
    return bool(patient.email) and current_link(rows) is not None


def link_box(patient: Patient) -> dict:
    """What the patient's record shows of their links (templates/patients/_patient_links.html):
    every link with the handouts that print it, the current one whole with the QR code the
    handout prints, and the forms that act on them."""
    rows = links_on_paper(patient)
    current = current_link(rows)
    return {
        "patient_links": rows,
        "current_link": current,
        # segno's own markup of our URL: no text from a user.
        "current_link_qr": mark_safe(qr_svg(current.url)) if current else SafeString(""),
        "can_email_link": can_email_link(patient, rows),
        "on_open_links": handouts_on_open_links(rows),
        "to_issue_again": [handout_label(h) for h in handouts_to_issue_again(patient)],
        "link_form": NewLinkForm(),
        "extend_link_form": ExtendLinkForm(),
    }


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


def no_longer_open(labels: list[str]) -> str:
    """A sentence naming the handouts whose QR code stopped opening, or nothing."""
    if not labels:
        return ""
    return " " + _("These handouts no longer open: %(handouts)s.") % {"handouts": "; ".join(labels)}


def issue_again_and_say(request, patient: Patient) -> None:
    """Issue again the patient's handouts whose link was revoked, with a message for each."""
    try:
        handouts = issue_again_for(patient, request.user, ip=client_ip(request))
    except CannotIssue as error:
        messages.error(request, str(error))
        return
    for handout in handouts:
        messages.success(
            request,
            _("Issued again: %(handout)s, with the new link's QR code.")
            % {"handout": handout_label(handout)},
        )


@staff_required
@permission_required("patients.add_patientlink", raise_exception=True)
@require_POST
def link_create(request, pk: int):
    """A new private link for the patient. The older links stay open unless the therapist
    stops them; then the current handouts are issued again with the new link's QR code,
    if they ask (the form's default)."""
    patient = visible_patient(request, pk)
    if discharged(request, patient):
        return back_to_patient(patient)
    form = NewLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back_to_patient(patient)
    revoke_others = form.cleaned_data["revoke_others"]
    stopping = handouts_on_open_links(links_on_paper(patient)) if revoke_others else []
    create_link(
        patient,
        request.user,
        days=form.cleaned_data["days"],
        revoke_others=revoke_others,
        ip=client_ip(request),
    )
    if not revoke_others:
        messages.success(request, _("New link created. The older links still open."))
        return back_to_patient(patient)
    messages.success(
        request, _("New link created. Older links no longer open.") + no_longer_open(stopping)
    )
    if form.cleaned_data["issue_again"] and request.user.has_perm("patients.add_handout"):
        issue_again_and_say(request, patient)
    return back_to_patient(patient)


@staff_required
@permission_required("patients.change_patientlink", raise_exception=True)
@require_POST
def link_revoke(request, pk: int):
    """Stop one link opening, saying which printed handouts stop with it."""
    link = visible_link(request, pk)
    revoke_link(link, request.user, ip=client_ip(request))
    stopped = handout_labels(link.handouts.all())
    messages.success(
        request, _("The link is revoked and no longer opens.") + no_longer_open(stopped)
    )
    return back_to_patient(link.patient)


@staff_required
@permission_required("patients.add_handout", raise_exception=True)
@require_POST
def link_issue_again(request, pk: int):
    """Issue again, with the newest live link's QR code, each current handout whose link
    was revoked: the latest issued content, never the programme's unissued draft."""
    patient = visible_patient(request, pk)
    if discharged(request, patient):
        return back_to_patient(patient)
    if not handouts_to_issue_again(patient):
        messages.info(request, _("Nothing to issue again: every current handout still opens."))
        return back_to_patient(patient)
    issue_again_and_say(request, patient)
    return back_to_patient(patient)


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
        messages.success(
            request, _("The link now opens until %(day)s.") % {"day": opens_until(link)}
        )
    return back_to_patient(link.patient)


@staff_required
@permission_required("patients.add_patientlink", raise_exception=True)
@require_POST
def link_email(request, pk: int):
    """Email the patient their newest live link (making one if needed). No health details.
    The patient's record offers this only once a link opens (``can_email_link``)."""
    patient = visible_patient(request, pk)
    if not patient.email:
        messages.error(request, _("Add the patient's email address first."))
        return back_to_patient(patient)
    if discharged(request, patient):
        return back_to_patient(patient)
    start_job(JobKind.EMAIL_LINK, patient.clinic, request.user, email_patient_link, patient.pk)
    messages.success(request, _("The link is on its way to %(email)s.") % {"email": patient.email})
    return back_to_patient(patient)
