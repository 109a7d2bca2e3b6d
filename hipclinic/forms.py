"""Forms the apps share: the staff login form, a staff user's language, and formsets whose
counts are checked."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.translation import gettext_lazy as _

from hipclinic.models import User


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length really checked.

    AuthenticationForm sets the username field's max_length after the field is made,
    so no length validator runs: a username of thousands of characters went on to
    authentication and into django-axes' failure log, whose column is 255 characters
    (a server error on PostgreSQL). Past the account model's limit it is a form error.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class CountedFormSet(forms.BaseFormSet):
    """A formset that refuses form counts no page sends.

    Django reads a negative TOTAL_FORMS as "no forms" and calls the formset valid, so a
    tampered count on a builder that replaces a programme's or a protocol's exercises
    with the posted rows would save it empty. Here it is an error, and nothing is saved.
    """

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.management_form.is_valid():
            return  # Django has already said the counts are missing
        counts = self.management_form.cleaned_data
        if counts[TOTAL_FORM_COUNT] < 0 or counts[INITIAL_FORM_COUNT] < 0:
            self._non_form_errors.append(
                ValidationError(
                    _(
                        "The page was sent with its rows miscounted, so nothing was saved. "
                        "Reload the page and try again."
                    ),
                    code="miscounted",
                )
            )


class LanguageForm(forms.ModelForm):
    """A staff user's language for the app; empty follows their browser."""

    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]
