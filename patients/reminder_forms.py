"""The phone page's reminder forms: days and a time for the calendar file, plus an email
address for reminder emails (patients.reminders)."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from patients.adherence import days_asked_per_week
from patients.models import Handout, Patient, ReminderSubscription
from patients.reminders import (
    DEFAULT_HOUR,
    SHORT_DAY_NAMES,
    hour_choices,
    masked_email,
    spread_days,
    subscription_of,
    when_words,
)


class ReminderTimeForm(forms.Form):
    """Which days, and at what time: used by "Add to my calendar" (a GET form)."""

    days = forms.TypedMultipleChoiceField(
        label=_("Which days?"),
        choices=[(str(day), name) for day, name in enumerate(SHORT_DAY_NAMES)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )
    hour = forms.TypedChoiceField(
        label=_("What time?"),
        # A callable, so the hours are named in the language of the page that shows them.
        choices=lambda: hour_choices(translation.get_language()),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
        error_messages={"invalid_choice": _("Choose a time from the list.")},
    )

    @classmethod
    def for_programme(cls, days_per_week: int, **kwargs):
        """The form preset to days spread over the week as the programme asks."""
        initial = {"days": [str(day) for day in spread_days(days_per_week)], "hour": DEFAULT_HOUR}
        return cls(initial=initial | kwargs.pop("initial", {}), **kwargs)


class ReminderEmailForm(ReminderTimeForm):
    """ "Email me a reminder": the days and time, and where to send it."""

    field_order = ["email", "days", "hour"]

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=ReminderSubscription._meta.get_field("email").max_length,
        widget=forms.EmailInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "email"}
        ),
        error_messages={
            "required": _("Please type your email address."),
            "invalid": _("That does not look like an email address. Please check it."),
        },
    )


def reminder_box(patient: Patient, handout: Handout, **forms) -> dict:
    """What templates/patients/public/_reminders.html needs: both forms (preset to the
    programme's days a week) and the patient's email reminders as they stand."""
    per_week = days_asked_per_week(handout.prescription)
    subscription = subscription_of(patient)
    return {
        "calendar_form": forms.get("calendar_form")
        or ReminderTimeForm.for_programme(per_week, auto_id="calendar_%s"),
        "email_form": forms.get("email_form")
        or ReminderEmailForm.for_programme(per_week, auto_id="email_%s"),
        "subscription": subscription,
        "address": masked_email(subscription.email) if subscription else "",
        "when": when_words(subscription.weekdays, subscription.hour) if subscription else "",
    }
