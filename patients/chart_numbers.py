"""Chart numbers in one normal form, however they arrive.

A chart number typed on a phone, pasted from a referral letter or sent by an import
can look the same and differ underneath: a full-width ``ＲＡＣＥ-1``, or ``RACE-1``
with a zero-width space after it. The clinic means one number, so it is stored and
compared in one form: Unicode NFKC, zero-width characters removed, trimmed. The
model field does it for every path (forms, the admin, imports, bulk updates and
lookups), so uniqueness in the database is uniqueness of what a person reads.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

# Zero-width space, non-joiner and joiner, word joiner, and the byte-order mark.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

TAKEN = gettext_lazy("Another patient in this clinic has this chart number.")


class ChartNumberTaken(ValidationError):
    """Raised by Patient.save when the database refuses a chart number taken meanwhile;
    an error on the ``chart_number`` field, for a form to show."""

    def __init__(self):
        super().__init__({"chart_number": TAKEN})


def normal_chart_number(value: str) -> str:
    """``value`` as chart numbers are stored and compared: NFKC, no zero-width characters,
    no surrounding spaces."""
    return unicodedata.normalize("NFKC", value).translate(ZERO_WIDTH).strip()


class ChartNumberFormField(forms.CharField):
    """Normalises before the length is checked, so the limit is on what is stored."""

    def to_python(self, value):
        value = super().to_python(value)
        return normal_chart_number(value) if isinstance(value, str) else value


class ChartNumberField(models.CharField):
    """A chart number, always saved, validated and looked up in its normal form."""

    def to_python(self, value):
        value = super().to_python(value)
        return normal_chart_number(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ChartNumberFormField, **kwargs})
