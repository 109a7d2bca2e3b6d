"""Reminders a patient asks for on their phone page: which days, what time, and the
email sign-up (confirm, stop).

Nothing here knows more than the clinic's name and the patient's page link: the
reminder emails, the confirmation email and the calendar file name no person, no
pain, no note and no exercise. Links in emails are signed (django.core.signing)
with a salt per purpose and name the subscription only; a confirm link works for
CONFIRM_DAYS days, an unsubscribe link for ever, so an old email can always stop
the emails it came with. Sending lives in patients.reminder_sending.
"""

import datetime
import functools

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, npgettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hipclinic.models import AuditAction, AuditEvent
from patients.links import site_url
from patients.models import Patient, PatientLink, ReminderSubscription

DAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
# The days as the phone page's day buttons name them.
SHORT_DAY_NAMES = [
    pgettext_lazy("day", "Mon"),
    pgettext_lazy("day", "Tue"),
    pgettext_lazy("day", "Wed"),
    pgettext_lazy("day", "Thu"),
    pgettext_lazy("day", "Fri"),
    pgettext_lazy("day", "Sat"),
    pgettext_lazy("day", "Sun"),
]

# The days a programme's "N days a week" starts from: spread out, weekdays first.
SPREAD = {
    1: [0],
    2: [0, 3],
    3: [0, 2, 4],
    4: [0, 1, 3, 4],
    5: [0, 1, 2, 3, 4],
    6: [0, 1, 2, 3, 4, 5],
    7: [0, 1, 2, 3, 4, 5, 6],
}
DEFAULT_HOUR = ReminderSubscription._meta.get_field("hour").default

CONFIRM_DAYS = 7
CONFIRM_SALT = "patients.reminders.confirm"
UNSUBSCRIBE_SALT = "patients.reminders.unsubscribe"
# Confirmation emails one patient page may send in an hour, so the sign-up form
# cannot be used to flood someone's inbox.
CONFIRMATIONS_PER_HOUR = "3/h"


def spread_days(per_week: int) -> list[int]:
    """The weekdays (0 = Monday) to suggest for a programme asking ``per_week`` days."""
    return SPREAD[min(max(per_week, 1), 7)]


def part_of_day(hour: int) -> str:
    """Which part of the day an hour falls in: English says "am" or "pm" alone, other
    languages name the part ("6 de la tarde", "9 de la noche"), so each is its own context."""
    if hour < 6:
        return "early morning"
    if hour < 12:
        return "morning"
    return "afternoon" if hour < 20 else "evening"


# Per part of the day: the hour alone, for the time list ("6 pm"), and after the days of a
# reminder ("at 6 pm"). Plural by the hour, since other languages bend the words around it
# ("a la 1", "a las 6").
HOUR_WORDS = {
    "early morning": (
        npgettext_lazy("early morning", "%(hour)d am", "%(hour)d am", "hour"),
        npgettext_lazy("early morning", "at %(hour)d am", "at %(hour)d am", "hour"),
    ),
    "morning": (
        npgettext_lazy("morning", "%(hour)d am", "%(hour)d am", "hour"),
        npgettext_lazy("morning", "at %(hour)d am", "at %(hour)d am", "hour"),
    ),
    "afternoon": (
        npgettext_lazy("afternoon", "%(hour)d pm", "%(hour)d pm", "hour"),
        npgettext_lazy("afternoon", "at %(hour)d pm", "at %(hour)d pm", "hour"),
    ),
    "evening": (
        npgettext_lazy("evening", "%(hour)d pm", "%(hour)d pm", "hour"),
        npgettext_lazy("evening", "at %(hour)d pm", "at %(hour)d pm", "hour"),
    ),
}


def hour_label(hour: int) -> str:
    """An hour as people say it, for the time list: "6 am", "Noon", "6 pm", "Midnight"."""
    if hour == 0:
        return gettext("Midnight")
    if hour == 12:
        return gettext("Noon")
    return HOUR_WORDS[part_of_day(hour)][0] % {"hour": hour % 12}


@functools.cache
def hour_choices(language: str | None) -> list[tuple[str, str]]:
    """The 24 hours of the time list in ``language``: worked out once per language, as
    every patient page shows the list twice (issue 23)."""
    with translation.override(language):
        return [(str(hour), hour_label(hour)) for hour in range(24)]


def at_hour(hour: int) -> str:
    """ "at 6 pm", "at noon": the hour after the days of a reminder."""
    if hour == 0:
        return gettext("at midnight")
    if hour == 12:
        return gettext("at noon")
    return HOUR_WORDS[part_of_day(hour)][1] % {"hour": hour % 12}


def days_words(weekdays: list[int]) -> str:
    """ "Monday, Wednesday and Friday", or "every day"."""
    days = sorted(set(weekdays))
    if len(days) == 7:
        return gettext("every day")
    names = [str(DAY_NAMES[day]) for day in days]
    if len(names) == 1:
        return names[0]
    return gettext("%(days)s and %(last)s") % {"days": ", ".join(names[:-1]), "last": names[-1]}


def when_words(weekdays: list[int], hour: int) -> str:
    """ "Monday, Wednesday and Friday at 6 pm"."""
    return f"{days_words(weekdays)} {at_hour(hour)}"


def masked_email(email: str) -> str:
    """The address as the phone page shows it: "r•••@example.com".

    Anyone holding the patient's link (a printed handout's QR code, say) can open the
    page, so it shows enough for the patient to know their own address, not enough
    to read someone's address off it.
    """
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


# --- Signed links ------------------------------------------------------------------------


def _address_check(subscription: ReminderSubscription) -> str:
    """A keyed digest of the address, so a confirm link stops working when the address
    changes (the old address cannot confirm the new one). It reveals nothing."""
    return salted_hmac(CONFIRM_SALT, subscription.email.lower()).hexdigest()[:16]


def confirm_url(subscription: ReminderSubscription) -> str:
    value = signing.dumps([subscription.pk, _address_check(subscription)], salt=CONFIRM_SALT)
    return site_url(reverse("public:reminder_confirm", args=[value]))


def unsubscribe_url(subscription: ReminderSubscription) -> str:
    value = signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)
    return site_url(reverse("public:reminder_unsubscribe", args=[value]))


def subscription_to_confirm(value: str) -> ReminderSubscription | None:
    """The subscription a confirm link names, or None (tampered, too old, address changed,
    or stopped since)."""
    try:
        pk, check = signing.loads(
            value, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS)
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    subscription = (
        ReminderSubscription.objects.select_related("patient__clinic").filter(pk=pk).first()
    )
    if (
        subscription is None
        or _address_check(subscription) != check
        or subscription.unsubscribed_at is not None
    ):
        return None
    return subscription


def subscription_to_stop(value: str) -> ReminderSubscription | None:
    """The subscription an unsubscribe link names, or None when the link is not ours."""
    try:
        pk = signing.loads(value, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return ReminderSubscription.objects.select_related("patient__clinic").filter(pk=pk).first()


# --- Signing up, confirming, stopping ------------------------------------------------------


def subscription_of(patient: Patient) -> ReminderSubscription | None:
    return ReminderSubscription.objects.filter(patient=patient).first()


@transaction.atomic
def ask_for_reminders(
    patient: Patient, *, email: str, weekdays: list[int], hour: int
) -> tuple[ReminderSubscription, bool]:
    """Save the patient's choice; return it and whether it needs confirming by email.

    A new address, or any address after the patient stopped reminders, waits for the
    owner of the address to confirm it; a confirmed address only changes its days and
    time. The caller sends the confirmation email (``send_confirmation``).
    """
    subscription = ReminderSubscription.objects.select_for_update().filter(
        patient=patient
    ).first() or ReminderSubscription(patient=patient)
    keeps_confirmation = (
        subscription.pk is not None
        and subscription.is_active
        and subscription.email.lower() == email.lower()
    )
    subscription.email = email
    subscription.weekdays = sorted(set(weekdays))
    subscription.hour = hour
    if not keeps_confirmation:
        subscription.confirmed_at = None
        subscription.unsubscribed_at = None
    subscription.save()
    return subscription, not keeps_confirmation


def send_confirmation(subscription: ReminderSubscription) -> None:
    """Ask the address's owner to say yes. It holds the clinic's name and the confirm
    link only: not the patient's page link, since the address may be mistyped."""
    clinic = subscription.patient.clinic
    with translation.override(subscription.patient.language):
        send_mail(
            subject=gettext("Please confirm your exercise reminders from %(clinic)s")
            % {"clinic": clinic.name},
            message=render_to_string(
                "patients/email/reminder_confirm.txt",
                {"clinic": clinic, "confirm_url": confirm_url(subscription), "days": CONFIRM_DAYS},
            ),
            from_email=None,
            recipient_list=[subscription.email],
        )


def confirm(subscription: ReminderSubscription, *, ip=None) -> None:
    """The address's owner said yes: reminders start. Confirming twice changes nothing."""
    if subscription.is_active:
        return
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    _audit(subscription, ip)


def stop(subscription: ReminderSubscription, *, link: PatientLink | None = None, ip=None) -> None:
    """No more reminder emails, at once. Stopping twice changes nothing."""
    if subscription.unsubscribed_at is not None:
        return
    subscription.unsubscribed_at = timezone.now()
    subscription.save(update_fields=["unsubscribed_at"])
    _audit(subscription, ip, link)


def _audit(subscription: ReminderSubscription, ip, link: PatientLink | None = None) -> None:
    AuditEvent.record(
        AuditAction.CHANGED,
        subscription,
        patient_link=link,
        clinic=subscription.patient.clinic,
        ip=ip,
    )
