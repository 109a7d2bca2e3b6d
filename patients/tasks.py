"""Bulk work that runs in the background (see hipclinic.jobs): issuing handouts for
many programmes, re-rendering handouts after a branding change, emailing a link, telling
staff about an alert.

Every task takes a BackgroundJob id and other ids, never names or clinical text,
and only touches rows of the job's clinic.
"""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hipclinic.jobs import advance, running_job, start_job, task
from hipclinic.models import JobKind
from patients.alerts import staff_to_email
from patients.handouts import (
    CannotIssue,
    current_programmes,
    handouts_to_rebrand,
    issue_handout,
    rebrand_handout,
)
from patients.links import link_url, live_link_for, site_url
from patients.models import Alert, Patient, Prescription


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@task()
def issue_handouts(job_id: int, prescription_ids: list[int]) -> dict:
    """Issue the next handout revision of each programme; skip those it cannot issue (no
    exercises, or an exercise waiting for the therapist's check)."""
    with running_job(job_id) as job:
        programmes = Prescription.objects.for_clinic(job.clinic).filter(pk__in=prescription_ids)
        issued = skipped = 0
        for prescription in programmes.order_by("pk"):
            try:
                issue_handout(prescription, job.requested_by)
            except CannotIssue:
                skipped += 1
            else:
                issued += 1
            advance(
                job,
                f"{plural(issued, 'handout')} issued, {skipped} skipped (no exercises, "
                "or an exercise waiting for a check).",
            )
        return {"issued": issued, "skipped": skipped}


@task()
def rebrand_handouts(job_id: int) -> dict:
    """After the clinic's details or logo change, issue the latest handout of every
    active programme again in the new branding (same exercises and doses)."""
    with running_job(job_id) as job:
        programmes = current_programmes(job.clinic).order_by("pk")
        job.total = programmes.count()
        redone = 0
        for prescription in programmes:
            if rebrand_handout(prescription, job.requested_by) is not None:
                redone += 1
            advance(job, f"{plural(redone, 'handout')} re-rendered.")
        if not job.total:
            job.summary = "No issued handouts to re-render."
        return {"rerendered": redone}


def reissue_after_rebranding(sender, clinic, user, **kwargs) -> str:
    """hipclinic.signals.branding_changed: issue the clinic's current handouts again, in the
    background, with its new heading."""
    start_job(JobKind.REBRAND_HANDOUTS, clinic, user, rebrand_handouts)
    return (
        "Current handouts are being issued again with the new details; "
        "“Handout and email progress” shows how far it has got."
    )


def handouts_to_reissue(sender, clinic, **kwargs) -> str:
    """hipclinic.signals.branding_change_proposed: how many current handouts the change
    would issue again, for the manager to confirm first ("" when none)."""
    count = handouts_to_rebrand(clinic)
    if not count:
        return ""
    return f"{plural(count, 'current handout')} will be issued again with the new heading."


@task()
def email_patient_link(job_id: int, patient_id: int) -> dict:
    """Email the patient their newest live link (making one if needed). No health details."""
    with running_job(job_id) as job:
        patient = Patient.objects.for_clinic(job.clinic).get(pk=patient_id)
        if not patient.is_active or not patient.email:
            job.summary = "Not sent: the patient is discharged or has no email address."
            return {"sent": 0}
        link = live_link_for(patient, job.requested_by)
        context = {"clinic": patient.clinic, "url": link_url(link), "expires_at": link.expires_at}
        with translation.override(patient.language):
            send_mail(
                subject=gettext("Your home exercises from %(clinic)s")
                % {"clinic": patient.clinic.name},
                message=render_to_string("patients/email/link.txt", context),
                from_email=None,
                recipient_list=[patient.email],
            )
        advance(job, "Email sent.")
        return {"sent": 1}


@task()
def email_alert(alert_id: int, urgent: bool) -> dict:
    """Tell the alert's therapist (else the clinic's managers) that a patient needs
    attention. The email holds the clinic's name and a link that needs signing in: no
    name, no score, no answers, no note."""
    alert = Alert.objects.select_related("patient__clinic", "therapist").get(pk=alert_id)
    recipients = staff_to_email(alert)
    context = {
        "clinic": alert.patient.clinic,
        "urgent": urgent,
        "url": site_url(reverse("patients:alert", args=[alert.pk])),
    }
    subject = "Urgent: a patient needs attention" if urgent else "A patient needs attention"
    body = render_to_string("patients/email/alert.txt", context)
    for address in recipients:
        send_mail(subject, body, from_email=None, recipient_list=[address])
    return {"sent": len(recipients)}
