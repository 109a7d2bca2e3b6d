"""The form renderer writes, in Python, exactly what Django's widget templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from hipclinic.form_renderer import FormRenderer
from patients.forms import SessionLogForm
from patients.reminder_forms import ReminderEmailForm

HOSTILE = '<b>"Tom & Jerry\'s"</b>'


class EveryWidget(forms.Form):
    name = forms.CharField(help_text="Your name", widget=forms.TextInput(attrs={"autofocus": True}))
    age = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 0, "x": False}))
    email = forms.EmailField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    colour = forms.ChoiceField(
        choices=[("", "---------"), ("red", HOSTILE), ("blue", mark_safe("<i>blue</i>"))]
    )
    grouped = forms.ChoiceField(
        required=False,
        choices=[("Warm", [("red", "Red"), ("amber", "Amber")]), ("Cold", [("blue", "Blue")])],
    )
    many = forms.MultipleChoiceField(
        required=False, choices=[("1", "One"), ("2", "Two"), ("3", HOSTILE)]
    )
    days = forms.MultipleChoiceField(
        required=False,
        choices=[("0", "Mon"), ("1", "Tue")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "days"}),
    )
    pain = forms.ChoiceField(
        required=False, choices=[("", "Rather not say"), ("1", "1")], widget=forms.RadioSelect
    )
    note = forms.CharField(required=False, widget=forms.Textarea)
    locked = forms.CharField(required=False, disabled=True)


CASES = {
    "unbound": {},
    "initial": {
        "initial": {
            "name": HOSTILE,
            "colour": "red",
            "many": ["1", "3"],
            "days": ["1"],
            "pain": "1",
            "locked": mark_safe('"safe"'),
        }
    },
    "bound with errors": {
        "data": {"name": "", "age": "x", "colour": "green", "many": ["9"], "days": ["0", "7"]}
    },
    "bound and valid": {
        "data": {"name": HOSTILE, "colour": "blue", "grouped": "amber", "pain": "", "agree": "on"}
    },
}


def rendered(form_class, renderer, **kwargs) -> list[str]:
    form = form_class(renderer=renderer, **kwargs)
    form.is_valid() if form.is_bound else None
    pieces = [str(form.as_div()), str(form.as_p())]
    for field in form:
        pieces.append(str(field))
        pieces.extend(
            str(option.tag(wrap_label=True)) for option in getattr(field, "subwidgets", [])
        )
        pieces.extend(str(option.tag()) for option in field)
    return pieces


@pytest.mark.parametrize("case", CASES)
def test_every_widget_is_written_as_djangos_templates_write_it(case):
    ours = rendered(EveryWidget, FormRenderer(), **CASES[case])
    djangos = rendered(EveryWidget, DjangoTemplates(), **CASES[case])
    assert ours == djangos
    assert any("&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;&lt;/b&gt;" in piece for piece in ours)


@pytest.mark.parametrize("form_class", [SessionLogForm, ReminderEmailForm])
def test_the_patient_pages_forms_are_unchanged(form_class):
    for kwargs in [{}, {"data": {"pain": "12", "days": ["0", "9"], "hour": "99", "email": "x"}}]:
        assert rendered(form_class, FormRenderer(), **kwargs) == rendered(
            form_class, DjangoTemplates(), **kwargs
        )


def test_the_site_renders_forms_with_it(settings):
    assert settings.FORM_RENDERER == "hipclinic.form_renderer.FormRenderer"
    assert isinstance(SessionLogForm().renderer, FormRenderer)
