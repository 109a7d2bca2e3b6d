"""Form fields that refuse impossible ids as form errors.

ModelChoiceField and ModelMultipleChoiceField look the posted ids up in the
database; an id that is no id at all ('abc') or past the 64-bit range (SQLite
raises OverflowError) makes that lookup raise, a server error instead of "Select a
valid choice". Ids are checked against the primary key's own rules first, by
``checked_id``, the one parser for every id a request names.
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


class CheckedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        checkable = value not in self.empty_values and not self.to_field_name
        if checkable and not is_valid_id(self.queryset.model, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(value)[:50]},
            )
        return super().to_python(value)


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
