"""Ids from requests, checked before any query is made with them.

A posted id that is no id at all ('abc'), past the 64-bit range (SQLite raises
OverflowError for ``pk__in``) or no UUID for a UUID key makes a lookup raise: a server
error instead of "not found". ``checked_id`` is the one parser for every id a request
names (the builder's rows and buttons, admin action selections, the admin's "view on
site"); ModelMultipleChoiceField gets the same check as a form error.
"""

from django import forms
from django.core.exceptions import ValidationError


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
