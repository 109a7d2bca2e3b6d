"""Sending reminder emails: who is due one now, and sending it once.

A patient with a confirmed address, still in care, with a live link and an issued
handout, gets at most one email a day, at or after the hour they chose (clinic
time):

- a *nudge* when nothing has been logged for the clinic's ``nudge_after_days`` days
  (counted from the later of the last log and the day they confirmed), once per
  quiet spell, on any day;
- otherwise a *reminder* on the weekdays they chose, unless today is logged already.

Each email names the clinic and carries the page link and an unsubscribe link,
nothing more. A row is claimed by a conditional UPDATE before its email goes, in
the same transaction, so two workers running at once send it once.
"""

import datetime
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hipclinic.jobs import task
from patients.links import link_url
from patients.models import Handout, PatientLink, ReminderSubscription
from patients.reminders import unsubscribe_url

REMINDER = "reminder"
NUDGE = "nudge"


@dataclass(frozen=True)
class Due:
    subscription: ReminderSubscription
    kind: str  # REMINDER or NUDGE
    today: datetime.date  # the clinic's date


def live_links(now: datetime.datetime):
    return PatientLink.objects.live().filter(expires_at__gt=now)


def candidates(now: datetime.datetime):
    """Active subscriptions of patients in care who have a live link and a handout."""
    return (
        ReminderSubscription.objects.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, patient__is_active=True
        )
        .filter(Exists(live_links(now).filter(patient=OuterRef("patient"))))
        .filter(Exists(Handout.objects.filter(prescription__patient=OuterRef("patient"))))
        .annotate(last_log=Max("patient__session_logs__date"))
        .select_related("patient__clinic")
        .order_by("pk")
    )


def due_kind(
    subscription: ReminderSubscription, last_log: datetime.date | None, now: datetime.datetime
) -> str | None:
    """REMINDER, NUDGE or None: what ``subscription`` is due at ``now``, by the rules above."""
    clinic = subscription.patient.clinic
    local = now.astimezone(clinic.zone)
    today = local.date()
    if local.hour < subscription.hour or subscription.last_sent_on == today:
        return None
    confirmed_on = subscription.confirmed_at.astimezone(clinic.zone).date()
    quiet_since = max(last_log or confirmed_on, confirmed_on)
    nudged_this_spell = (
        subscription.last_nudged_on is not None and subscription.last_nudged_on >= quiet_since
    )
    if (
        clinic.nudge_after_days
        and (today - quiet_since).days >= clinic.nudge_after_days
        and not nudged_this_spell
    ):
        return NUDGE
    if today.weekday() in subscription.weekdays and last_log != today:
        return REMINDER
    return None


def due_reminders(now: datetime.datetime) -> list[Due]:
    """Every email due at ``now``, at most one per patient."""
    due = []
    for subscription in candidates(now):
        kind = due_kind(subscription, subscription.last_log, now)
        if kind is not None:
            today = now.astimezone(subscription.patient.clinic.zone).date()
            due.append(Due(subscription, kind, today))
    return due


def reminder_email(subscription: ReminderSubscription, kind: str, page_url: str) -> EmailMessage:
    """The email itself, in the patient's language: the clinic's name, the page link and
    the unsubscribe link only."""
    clinic = subscription.patient.clinic
    stop_url = unsubscribe_url(subscription)
    with translation.override(subscription.patient.language):
        subject = (
            _("A gentle nudge from %(clinic)s")
            if kind == NUDGE
            else _("Time for your exercises: a reminder from %(clinic)s")
        ) % {"clinic": clinic.name}
        body = render_to_string(
            f"patients/email/{kind}.txt",
            {"clinic": clinic, "page_url": page_url, "unsubscribe_url": stop_url},
        )
    return EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={
            # RFC 8058: mail apps offer a one-click "unsubscribe" that POSTs to this link.
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_one(due: Due, now: datetime.datetime) -> bool:
    """Claim the day for this patient and send; False when another run claimed it first.

    The claim and the email share a transaction: if sending fails, the claim is
    undone and the next run tries again.
    """
    claim = {"last_sent_on": due.today}
    if due.kind == NUDGE:
        claim["last_nudged_on"] = due.today
    with transaction.atomic():
        claimed = (
            ReminderSubscription.objects.filter(pk=due.subscription.pk, unsubscribed_at=None)
            .exclude(last_sent_on=due.today)
            .update(**claim)
        )
        if not claimed:
            return False
        link = live_links(now).filter(patient=due.subscription.patient).order_by("-created_at")
        link = link.first()
        if link is None:  # revoked a moment ago
            transaction.set_rollback(True)
            return False
        reminder_email(due.subscription, due.kind, link_url(link)).send()
    return True


def send_due_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every email due at ``now`` (default: this moment); counts by kind."""
    now = now or timezone.now()
    sent = {REMINDER: 0, NUDGE: 0}
    for due in due_reminders(now):
        if send_one(due, now):
            sent[due.kind] += 1
    return sent


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The top of the next hour: reminders go out on the hour patients chose."""
    return now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)


@task()
def send_reminders() -> dict[str, int]:
    """Send the reminder emails due now, then queue the next run for the top of the next
    hour (when the backend can hold a task until then; the immediate backend cannot)."""
    try:
        return send_due_reminders()
    finally:  # a failed run still queues the next
        schedule_next(timezone.now())


def can_schedule() -> bool:
    """Whether the task backend can hold a run for later (the database backend can; the
    immediate one, which tests and worker-less set-ups use, cannot)."""
    return send_reminders.get_backend().supports_defer


def schedule_next(now: datetime.datetime) -> bool:
    """Queue ``send_reminders`` for the top of the next hour unless a run is waiting."""
    if not can_schedule() or waiting_runs():
        return False
    send_reminders.using(run_after=next_run(now)).enqueue()
    return True


def start_schedule() -> bool:
    """Queue a run now, which then queues the next each hour; False when a run is waiting
    already (or the backend cannot hold runs for later)."""
    if not can_schedule() or waiting_runs():
        return False
    send_reminders.enqueue()
    return True


def waiting_runs() -> int:
    """How many ``send_reminders`` runs the database queue holds, not yet started."""
    return DBTaskResult.objects.filter(
        task_path=send_reminders.module_path, status=TaskResultStatus.READY
    ).count()
