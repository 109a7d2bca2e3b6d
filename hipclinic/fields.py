"""Form fields that refuse impossible ids as form errors.

ModelMultipleChoiceField looks the posted ids up with `pk__in`; on SQLite an id past
the 64-bit range makes that query raise OverflowError (a server error) instead of
"Select a valid choice". Ids are checked against the primary key's own rules first.
"""

from django import forms
from django.core.exceptions import ValidationError


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        key = self.to_field_name or "pk"
        target = self.queryset.model._meta.pk if key == "pk" else None
        if target is not None:
            for item in value:
                try:
                    target.clean(item, None)
                except ValidationError:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(item)[:50]},
                    ) from None
        return super()._check_values(value)
