"""What a patient's logged pain sets off: the rules of CLINICAL.md section 3.

After a log, a pain score at or above the clinic's alert score (7 unless the clinic
says otherwise), or at least the clinic's rise (3) above the median of the patient's
three earlier scores, makes an **alert**: the patient is told to stop the exercises
that hurt, rest and call, and is asked the urgent checklist (patients.stop_box); any
"yes" makes the alert urgent. The alert is for the patient's therapist, or for the
clinic's managers when there is no active therapist to see it, and stays on the
patient's record once someone has acknowledged it.

With fewer than three earlier scores the rise is measured from the median of those
there are (one or two): a careful reading, since a big jump from a patient's first
scores is as worrying as one from later ones. A first log has only the alert score.
"""

import statistics

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent, Role, User
from patients.models import Alert, AlertReason, Patient, SessionLog

EARLIER_SCORES = 3

# Backends that only print or drop email: with these the site "cannot send email", and
# staff are not emailed about alerts (they still see them on Today).
NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def earlier_median(patient: Patient, before) -> float | None:
    """The median of the patient's last three pain scores logged before the day ``before``
    (fewer when there are fewer), or None when they have logged no score yet."""
    scores = list(
        SessionLog.objects.filter(patient=patient, date__lt=before, pain__isnull=False)
        .order_by("-date")
        .values_list("pain", flat=True)[:EARLIER_SCORES]
    )
    return statistics.median(scores) if scores else None


def pain_reason(pain: int | None, median: float | None, clinic) -> AlertReason | None:
    """Why a pain score needs an answer under the clinic's settings, or None when it does not."""
    if pain is None:
        return None
    if pain >= clinic.alert_pain_at:
        return AlertReason.HIGH_PAIN
    if median is not None and pain - median >= clinic.alert_pain_rise:
        return AlertReason.PAIN_RISE
    return None


def alert_recipient(patient: Patient, log: SessionLog) -> User | None:
    """Who an alert is for: the patient's primary therapist, else the therapist who wrote
    the programme they logged against, if active; None means the clinic's managers."""
    candidates = [patient.primary_therapist]
    if log.prescription_id is not None:
        candidates.append(log.prescription.therapist)
    for therapist in candidates:
        if therapist is not None and therapist.is_active:
            return therapist
    return None


@transaction.atomic
def alert_for_log(log: SessionLog) -> Alert | None:
    """The alert a log makes under the rules, or None when its pain needs no answer.

    A patient who logs again on the same day changes that day's log; its open alert is
    brought up to date rather than doubled. An alert someone has acknowledged is kept as
    it was, and a new one is made if the new score calls for it.
    """
    patient = log.patient
    median = earlier_median(patient, log.date)
    reason = pain_reason(log.pain, median, patient.clinic)
    if reason is None:
        return None
    alert = Alert.objects.filter(session_log=log, acknowledged_at__isnull=True).first()
    if alert is None:
        alert = Alert(patient=patient, session_log=log, therapist=alert_recipient(patient, log))
    is_new = alert.pk is None
    alert.reason, alert.pain, alert.earlier_median = reason, log.pain, median
    alert.save()
    if is_new:
        tell_staff(alert)
    return alert


def todays_open_alert(patient: Patient, today) -> Alert | None:
    """The alert the patient's log today made, while no one has acknowledged it yet."""
    return (
        Alert.objects.filter(patient=patient, session_log__date=today, acknowledged_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def record_answers(alert: Alert, answers: dict[str, bool]) -> Alert:
    """Keep the patient's checklist answers; any yes makes the alert urgent (and staff are
    told again, since it now needs acting on at once)."""
    was_urgent = alert.urgent
    alert.answers = answers
    alert.urgent = alert.urgent or any(answers.values())
    alert.save(update_fields=["answers", "urgent"])
    if alert.urgent and not was_urgent:
        tell_staff(alert)
    return alert


def open_alerts_for(user) -> QuerySet[Alert]:
    """The open alerts ``user`` should act on: those for them, and, for a manager, those
    for no one or for someone no longer active. Urgent first, then newest."""
    mine = Q(therapist=user)
    if user.role == Role.MANAGER:
        mine |= Q(therapist__isnull=True) | Q(therapist__is_active=False)
    return (
        Alert.objects.visible_to(user)
        .filter(mine, acknowledged_at__isnull=True)
        .select_related("patient", "session_log", "therapist")
        .order_by("-urgent", "-created_at")
    )


def acknowledge(alert: Alert, user, *, ip=None) -> bool:
    """Record that ``user`` has seen the alert and is acting on it (audited). False when
    someone acknowledged it first: their name and time stay."""
    now = timezone.now()
    claimed = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=user, acknowledged_at=now
    )
    if not claimed:
        return False
    alert.acknowledged_by, alert.acknowledged_at = user, now
    AuditEvent.record(
        AuditAction.ACKNOWLEDGED, alert, actor=user, clinic=alert.patient.clinic, ip=ip
    )
    return True


def can_email() -> bool:
    return settings.EMAIL_BACKEND not in NOT_SENDING


def staff_to_email(alert: Alert) -> list[User]:
    """Who an alert's email goes to: its therapist, else every active manager of the
    clinic (those with an address)."""
    therapist = alert.therapist
    if therapist is not None and therapist.is_active and therapist.email:
        return [therapist]
    managers = User.objects.filter(
        clinic_id=alert.patient.clinic_id, role=Role.MANAGER, is_active=True
    ).exclude(email="")
    return list(managers.order_by("email"))


def tell_staff(alert: Alert) -> None:
    """Queue the alert's email when the clinic wants it and the site can send it."""
    from patients.tasks import email_alert  # tasks import this module's rules

    if alert.patient.clinic.alert_emails and can_email():
        email_alert.enqueue(alert.pk, alert.urgent)
