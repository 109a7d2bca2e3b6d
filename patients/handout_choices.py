"""What a handout looks like, chosen when it is previewed or issued: the layout, the paper,
large print and the language. The choice starts from the patient's and the clinic's
defaults and is kept in the issued version's snapshot, so that version always prints the
same."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hipclinic.models import PaperSize
from patients.models import Layout, Patient


class HandoutChoiceForm(forms.Form):
    """The preview and issue buttons' choices on the programme page."""

    layout = forms.ChoiceField(
        choices=Layout.choices,
        initial=Layout.FULL,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    paper_size = forms.ChoiceField(label=_("Paper"), choices=PaperSize.choices)
    large_print = forms.BooleanField(label=_("Large print (one exercise a page)"), required=False)
    # Not sent (an older page, the admin's buttons): the patient's language.
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)

    def __init__(self, patient: Patient, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "paper_size": patient.handout_paper_size,
                "large_print": patient.large_print,
                "language": patient.language,
            },
        )
        super().__init__(*args, **kwargs)

    def choice(self) -> dict:
        """The valid choice as keyword arguments for rendering and issuing."""
        return {
            "layout": self.cleaned_data["layout"],
            "paper_size": self.cleaned_data["paper_size"],
            "large_print": self.cleaned_data["large_print"],
            "language": self.cleaned_data["language"] or None,
        }
