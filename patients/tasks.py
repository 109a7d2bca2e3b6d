"""Bulk work that runs in the background (see hipclinic.jobs): issuing handouts for
many programmes, re-rendering handouts after a branding change, emailing a link, telling
staff about an alert.

Every task takes a BackgroundJob id and other ids, never names or clinical text,
and only touches rows of the job's clinic.
"""

import datetime
import os
import socket

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from hipclinic.jobs import STOPPED, advance, running_job, start_job, summary_language, task
from hipclinic.models import BackgroundJob, JobKind, JobStatus
from patients.alerts import staff_to_email
from patients.handouts import (
    CannotIssue,
    current_programmes,
    handouts_to_rebrand,
    issue_handout,
    rebrand_handout,
)
from patients.links import link_url, live_link_for, site_url
from patients.models import Alert, Patient, Prescription, Reissue


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
                ngettext(
                    "%(issued)s handout issued, %(skipped)s skipped (no exercises, or an "
                    "exercise waiting for a check).",
                    "%(issued)s handouts issued, %(skipped)s skipped (no exercises, or an "
                    "exercise waiting for a check).",
                    issued,
                )
                % {"issued": issued, "skipped": skipped},
            )
        return {"issued": issued, "skipped": skipped}


@task()
def rebrand_handouts(job_id: int) -> dict:
    """After the clinic's details or logo change, issue the latest handout of every
    active programme again in the new branding (same exercises and doses).

    The job is enqueued several times (``REISSUE_TASKS``) so that every running worker
    can share it: each copy claims the job's programmes one at a time (``claim_reissue``)
    until none is left, and the copy that finishes the last one marks the job done.
    """
    job = BackgroundJob.objects.select_related("clinic", "requested_by").get(pk=job_id)
    BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING
    )
    redone = 0
    try:
        while (reissue := claim_reissue(job)) is not None:
            handout = rebrand_handout(reissue.prescription, job.requested_by)
            redone += handout is not None
            Reissue.objects.filter(pk=reissue.pk).update(
                finished_at=timezone.now(), handout=handout
            )
            BackgroundJob.objects.filter(pk=job_id).update(done=F("done") + 1)
    except Exception:
        with translation.override(summary_language(job)):
            stopped = str(STOPPED)
        BackgroundJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, summary=stopped, finished_at=timezone.now()
        )
        raise
    finish_reissuing(job)
    return {"rerendered": redone}


def claim_reissue(job: BackgroundJob) -> Reissue | None:
    """The next programme of ``job`` no worker is on, now claimed by this one; None when
    there is none.

    A claim older than ``REISSUE_CLAIM_SECONDS`` whose programme is not finished is taken
    again: its worker died or hung (a render takes about a second). Taking it again is
    safe even if that worker did store the handout: ``rebrand_handout`` then finds the
    latest revision already in the new branding and issues nothing.

    On PostgreSQL a worker skips rows another is claiming (``skip_locked``) rather than
    queueing behind it; the claim itself is a conditional update (still as we read it?),
    which is what keeps two workers off the same row on SQLite too, where there is one
    writer.
    """
    while True:
        now = timezone.now()
        given_up = now - datetime.timedelta(seconds=settings.REISSUE_CLAIM_SECONDS)
        claimable = Q(claimed_at__isnull=True) | Q(
            finished_at__isnull=True, claimed_at__lt=given_up
        )
        with transaction.atomic():
            reissue = (
                Reissue.objects.select_for_update(skip_locked=True)
                .filter(claimable, job=job)
                .order_by("pk")
                .first()
            )
            if reissue is None:
                return None
            claimed = Reissue.objects.filter(
                pk=reissue.pk, finished_at__isnull=True, claimed_at=reissue.claimed_at
            ).update(claimed_at=now, claimed_by=f"{socket.gethostname()}:{os.getpid()}")
        if claimed:
            return Reissue.objects.select_related("prescription__patient").get(pk=reissue.pk)


def finish_reissuing(job: BackgroundJob) -> None:
    """Mark the job done once every programme is finished (by whichever worker)."""
    if Reissue.objects.filter(job=job, finished_at__isnull=True).exists():
        return  # another worker is still on one
    redone = Reissue.objects.filter(job=job, handout__isnull=False).count()
    with translation.override(summary_language(job)):
        summary = (
            ngettext("%(count)s handout re-rendered.", "%(count)s handouts re-rendered.", redone)
            % {"count": redone}
            if Reissue.objects.filter(job=job).exists()
            else gettext("No issued handouts to re-render.")
        )
    BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, summary=summary, finished_at=timezone.now()
    )


def record_reissues(job: BackgroundJob) -> None:
    """Record every current programme of the job's clinic as one ``Reissue`` row for the
    workers to claim, and the job's total."""
    programmes = current_programmes(job.clinic).order_by("pk").values_list("pk", flat=True)
    Reissue.objects.bulk_create(Reissue(job=job, prescription_id=pk) for pk in programmes)
    job.total = Reissue.objects.filter(job=job).count()
    job.save(update_fields=["total"])


@task()
def watch_reissuing(job_id: int) -> dict:
    """While a re-issuing job runs, look at it every ``REISSUE_CLAIM_SECONDS``: a
    programme whose worker died is re-issued here, and the job is finished when all are.
    Queued again for later until the job is done or failed."""
    ended = (JobStatus.DONE, JobStatus.FAILED)
    job = BackgroundJob.objects.get(pk=job_id)
    if job.status not in ended:
        rebrand_handouts.call(job_id)  # takes only the claims given up, if any
        job.refresh_from_db()
        if job.status not in ended:
            watch_later(job)
    return {"status": job.status}


def watch_later(job: BackgroundJob) -> None:
    """Queue ``watch_reissuing`` for the job one claim's time from now, when the task
    backend can hold a task for later (the immediate one, which runs the whole job in
    the request, cannot and need not)."""
    if watch_reissuing.get_backend().supports_defer:
        later = timezone.now() + datetime.timedelta(seconds=settings.REISSUE_CLAIM_SECONDS)
        watch_reissuing.using(run_after=later).enqueue(job.pk)


def prepare_reissuing(job: BackgroundJob) -> None:
    """The job's rows for the workers to claim, and its watch for workers that die."""
    record_reissues(job)
    watch_later(job)


def start_reissuing(clinic, user) -> BackgroundJob:
    """Queue the re-issuing of every current programme of ``clinic`` as one job, shared by
    up to ``REISSUE_TASKS`` workers."""
    return start_job(
        JobKind.REBRAND_HANDOUTS,
        clinic,
        user,
        rebrand_handouts,
        prepare=prepare_reissuing,
        copies=settings.REISSUE_TASKS,
    )


def reissue_after_rebranding(sender, clinic, user, **kwargs) -> str:
    """hipclinic.signals.branding_changed: issue the clinic's current handouts again, in the
    background, with its new heading."""
    start_reissuing(clinic, user)
    return gettext(
        "Current handouts are being issued again with the new details; "
        "“%(progress)s” shows how far it has got."
    ) % {"progress": gettext("Handout and email progress")}


def handouts_to_reissue(sender, clinic, **kwargs) -> str:
    """hipclinic.signals.branding_change_proposed: how many current handouts the change
    would issue again, for the manager to confirm first ("" when none)."""
    count = handouts_to_rebrand(clinic)
    if not count:
        return ""
    return ngettext(
        "%(count)s current handout will be issued again with the new heading.",
        "%(count)s current handouts will be issued again with the new heading.",
        count,
    ) % {"count": count}


@task()
def email_patient_link(job_id: int, patient_id: int) -> dict:
    """Email the patient their newest live link (making one if needed). No health details."""
    with running_job(job_id) as job:
        patient = Patient.objects.for_clinic(job.clinic).get(pk=patient_id)
        if not patient.is_active or not patient.email:
            job.summary = gettext("Not sent: the patient is discharged or has no email address.")
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
        advance(job, gettext("Email sent."))
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
    for user in recipients:  # each in their own language
        with translation.override(user.writing_language):
            subject = (
                gettext("Urgent: a patient needs attention")
                if urgent
                else gettext("A patient needs attention")
            )
            body = render_to_string("patients/email/alert.txt", context)
        send_mail(subject, body, from_email=None, recipient_list=[user.email])
    return {"sent": len(recipients)}
