"""Form fields that refuse impossible ids as form errors.

ModelMultipleChoiceField looks the posted ids up with `pk__in`; on SQLite an id past
the 64-bit range makes that query raise OverflowError (a server error) instead of
"Select a valid choice". Ids are checked against the primary key's own rules first.
"""

from django import forms
from django.core.exceptions import ValidationError


def is_valid_id(model, value) -> bool:
    """Whether ``value`` could be a primary key of ``model`` (a number within the column's
    range, for our integer keys), before any query is made with it."""
    try:
        model._meta.pk.clean(value, None)
    except ValidationError:
        return False
    return True


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
