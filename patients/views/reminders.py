"""Reminders from the patient's page: the calendar file, the email sign-up, and the
confirm and unsubscribe links the emails carry (patients.reminders).

Pages under the patient's token follow the patient page's rules (rate limits, the
one 404, private headers, audit). The confirm and unsubscribe links carry a signed
value instead of the token, so they work from an email without the page's link;
anything else there gets the same 404 as a bad patient link.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hipclinic.access import client_ip
from hipclinic.models import AuditAction
from hipclinic.ratelimit import over_limit
from patients.calendar_file import exercise_calendar
from patients.links import link_url
from patients.patient_page import clinic_today, latest_handout
from patients.reminder_forms import ReminderEmailForm, ReminderTimeForm, reminder_box
from patients.reminders import (
    CONFIRMATIONS_PER_HOUR,
    ask_for_reminders,
    confirm,
    masked_email,
    send_confirmation,
    stop,
    subscription_of,
    subscription_to_confirm,
    subscription_to_stop,
    when_words,
)
from patients.views.patient_page import audit, not_found, opened_by_link, private, too_many


def page_with_reminders(request, link, handout, **forms):
    """The reminders on a page of their own, to show a form's mistakes."""
    box = reminder_box(link.patient, handout, **forms)
    return private(
        render(
            request,
            "patients/public/reminders.html",
            {"clinic": link.patient.clinic, "reminders": box},
        )
    )


@login_not_required
@never_cache
@require_safe
@opened_by_link
def calendar_file(request, link, token: str):
    """exercises.ics: the chosen days and time as a repeating calendar event."""
    handout = latest_handout(link.patient)
    if handout is None:
        return not_found(request)
    form = ReminderTimeForm(request.GET, auto_id="calendar_%s")
    if not form.is_valid():
        return page_with_reminders(request, link, handout, calendar_form=form)
    ics = exercise_calendar(
        link,
        handout,
        page_url=link_url(link),
        weekdays=form.cleaned_data["days"],
        hour=form.cleaned_data["hour"],
        today=clinic_today(link.patient),
    )
    audit(AuditAction.DOWNLOADED, handout, link, request)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exercises.ics"'
    return private(response)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@opened_by_link
def email_reminders(request, link, token: str):
    """The email sign-up: saved, then a confirmation email; nothing else until confirmed."""
    handout = latest_handout(link.patient)
    if handout is None:
        return not_found(request)
    if request.method == "GET":
        return page_with_reminders(request, link, handout)
    form = ReminderEmailForm(request.POST, auto_id="email_%s")
    if not form.is_valid():
        return page_with_reminders(request, link, handout, email_form=form)
    had_one = subscription_of(link.patient) is not None
    subscription, needs_confirming = ask_for_reminders(
        link.patient,
        email=form.cleaned_data["email"],
        weekdays=form.cleaned_data["days"],
        hour=form.cleaned_data["hour"],
    )
    audit(AuditAction.CHANGED if had_one else AuditAction.CREATED, subscription, link, request)
    address = masked_email(subscription.email)
    if not needs_confirming:
        messages.success(request, _("Thank you. Your reminder days and time are saved."))
    elif over_limit("reminder-confirm", token, CONFIRMATIONS_PER_HOUR):
        messages.success(
            request,
            _(
                "We have sent a few emails to check your address already. Please look for "
                "one sent to %(address)s, or try again in an hour."
            )
            % {"address": address},
        )
    else:
        send_confirmation(subscription)
        messages.success(
            request,
            _("We sent an email to %(address)s. Open the link in it to start your reminders.")
            % {"address": address},
        )
    return redirect(reverse("public:patient_page", args=[token]))


@login_not_required
@never_cache
@require_POST
@opened_by_link
def stop_email_reminders(request, link, token: str):
    """ "Stop reminder emails" on the patient's page."""
    subscription = subscription_of(link.patient)
    if subscription is not None:
        stop(subscription, link=link, ip=client_ip(request))
    messages.success(request, _("Reminder emails are off. We will not email you again."))
    return redirect(reverse("public:patient_page", args=[token]))


def address_limited(request) -> bool:
    return over_limit("patient-ip", client_ip(request) or "", settings.PATIENT_IP_RATE)


# Mail scanners open every link in an email before the patient does: opening a link only
# asks the question, and the patient's press of the button (a POST) answers it.


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_reminders(request, value: str):
    """The link in the confirmation email: the page asks, its button starts the reminders."""
    if address_limited(request):
        return too_many(request)
    subscription = subscription_to_confirm(value)
    if subscription is None or not subscription.patient.is_active:
        return not_found(request)
    if request.method == "POST":
        confirm(subscription, ip=client_ip(request))
    template = "reminders_confirmed" if subscription.is_active else "reminders_confirm"
    with translation.override(subscription.patient.language):
        return private(
            render(
                request,
                f"patients/public/{template}.html",
                {
                    "clinic": subscription.patient.clinic,
                    "when": when_words(subscription.weekdays, subscription.hour),
                },
            )
        )


@login_not_required
@csrf_exempt  # RFC 8058: a mail app's one-click POST carries no CSRF token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, value: str):
    """The link in every reminder email: the page asks, its button (or a mail app's
    one-click POST) stops the emails at once, with no login."""
    if address_limited(request):
        return too_many(request)
    subscription = subscription_to_stop(value)
    if subscription is None:
        return not_found(request)
    if request.method == "POST":
        stop(subscription, ip=client_ip(request))
    stopped = subscription.unsubscribed_at is not None
    with translation.override(subscription.patient.language):
        return private(
            render(
                request,
                f"patients/public/reminders_{'stopped' if stopped else 'stop'}.html",
                {"clinic": subscription.patient.clinic},
            )
        )
