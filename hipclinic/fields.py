"""Fields shared by the apps: text of a bounded length, and ids from requests checked
before any query is made with them.

Free text is printed on handouts and shown on pages, so every field a person types
in has a length a clinic needs and no more: 2.4 MB of general instructions once
saved and then took a minute and a half to preview. ``limited_text`` makes a
TextField whose limit the model enforces, not only the form.

A posted id that is no id at all ('abc'), past the 64-bit range (SQLite raises
OverflowError for ``pk__in``) or no UUID for a UUID key makes a lookup raise: a server
error instead of "not found". ``checked_id`` is the one parser for every id a request
names (the builder's rows and buttons, admin action selections, the admin's "view on
site"); ModelMultipleChoiceField gets the same check as a form error.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def limit_note(limit: int) -> str:
    """The limit as shown beside a field, in the reader's language: "Up to 4,000
    characters."."""
    return format_lazy(_("Up to {limit:,} characters."), limit=limit)


def limited_text(limit: int, *args, help_text: str = "", **kwargs) -> models.TextField:
    """A TextField of at most ``limit`` characters, refused past it by the model itself.

    Django gives a TextField's max_length to its form field only (the textarea's
    maxlength and the form's check); the validator makes ``full_clean``, which
    every ModelForm and the admin run, refuse it too. The limit joins the help
    text, so it shows beside the field in the app's forms and in the admin.
    """
    return models.TextField(
        *args,
        max_length=limit,
        validators=[MaxLengthValidator(limit)],
        help_text=format_lazy("{} {}", help_text, limit_note(limit))
        if help_text
        else limit_note(limit),
        **kwargs,
    )


def checked_id(model, value):
    """``value`` as a primary key of ``model`` (an int, for our integer keys), or None when
    it cannot be one: text, a number past the column's range, a malformed UUID."""
    if value is None or value == "":
        return None
    field = model._meta.pk
    while field.is_relation:  # a one-to-one key: check by the target's rules, without a query
        field = field.target_field
    try:
        return field.clean(value, None)
    except (ValidationError, TypeError, ValueError):
        return None


def is_valid_id(model, value) -> bool:
    """Whether ``value`` could be a primary key of ``model``, before any query is made with it."""
    return checked_id(model, value) is not None


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if not self.to_field_name:
            for item in value:
                if not is_valid_id(self.queryset.model, item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(item)[:50]},
                    ) from None
        return super()._check_values(value)
