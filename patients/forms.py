"""Forms for building programmes."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exercises.forms import ExerciseFinderForm
from exercises.models import Condition, Exercise, Protocol
from hipclinic.forms import CountedFormSet
from patients.cautions import CONFIRM_LABEL, confirmation
from patients.models import Patient, Prescription, PrescriptionItem, SessionLog


def check_same_clinic(form: forms.Form, patient: Patient, therapist, protocol) -> None:
    """Add errors when the therapist or protocol cannot serve this patient's clinic.

    Staff only ever see their own clinic, so this matters to platform admins, who
    see every clinic and could otherwise mix two.
    """
    if therapist is not None and therapist.clinic_id != patient.clinic_id:
        form.add_error("therapist", _("Choose a therapist of the patient's clinic."))
    if protocol is not None and protocol.clinic_id not in (None, patient.clinic_id):
        form.add_error("protocol", _("Choose a protocol of the patient's clinic or the library."))


class PrescriptionAdminForm(forms.ModelForm):
    """A programme in the admin, refusing to overwrite a newer revision.

    The revision the therapist opened travels with the form; if someone saved the
    programme since, the save is refused rather than silently undoing their work.
    """

    seen_revision = forms.IntegerField(
        label=_("times saved when opened"), widget=forms.HiddenInput, required=False
    )

    class Meta:
        model = Prescription
        fields = [
            "patient",
            "title",
            "therapist",
            "status",
            "start_date",
            "review_date",
            "instructions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_revision"].initial = self.instance.revision

    def clean(self):
        cleaned_data = super().clean()
        seen = cleaned_data.get("seen_revision")
        if self.instance.pk and seen is not None:
            # Locked until the admin's transaction ends, so no save can slip in between.
            current = (
                Prescription.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("revision", flat=True)
                .first()
            )
            if current != seen:
                raise forms.ValidationError(
                    _(
                        "Someone saved this programme while you were editing it. Open it "
                        "again to see their changes, then make yours."
                    )
                )
        patient = cleaned_data.get("patient") or getattr(self.instance, "patient", None)
        if patient is not None:
            check_same_clinic(
                self, patient, cleaned_data.get("therapist"), cleaned_data.get("protocol")
            )
        return cleaned_data


class StartFromProtocolForm(forms.Form):
    """Choose a patient and a protocol to start a new draft programme from."""

    patient = forms.ModelChoiceField(label=_("Patient"), queryset=Patient.objects.none())
    protocol = forms.ModelChoiceField(label=_("Protocol"), queryset=Protocol.objects.none())
    therapist = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("prescribing therapist"),
        help_text=_("Leave empty to prescribe as yourself."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the protocol's name."),
    )

    def __init__(self, *args, user, widgets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["patient"].queryset = self.patient_choices(user)
        self.fields["protocol"].queryset = self.protocol_choices(user)
        self.fields["therapist"].queryset = (
            get_user_model().objects.visible_to(user).filter(is_active=True, is_staff=True)
        )
        for name, widget in (widgets or {}).items():
            widget.choices = self.fields[name].choices
            self.fields[name].widget = widget

    @staticmethod
    def patient_choices(user):
        return Patient.objects.visible_to(user)

    @staticmethod
    def protocol_choices(user):
        return Protocol.objects.visible_to(user).filter(archived=False)

    def clean(self):
        cleaned_data = super().clean()
        patient = cleaned_data.get("patient")
        if cleaned_data.get("therapist") is None:
            if self.user.clinic_id is None:
                self.add_error("therapist", _("Choose the prescribing therapist."))
            else:
                cleaned_data["therapist"] = self.user
        if patient is not None:
            check_same_clinic(
                self, patient, cleaned_data.get("therapist"), cleaned_data.get("protocol")
            )
        return cleaned_data


# --- The programme builder -------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class ProgrammeForm(forms.ModelForm):
    """A programme's own fields, carrying the revision the editor opened."""

    seen_revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Prescription
        fields = ["title", "status", "start_date", "review_date", "instructions"]
        widgets = {
            "start_date": DateInput,
            "review_date": DateInput,
            "instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_revision"].initial = self.instance.revision


class ProgrammeItemForm(forms.ModelForm):
    """One exercise of the programme being built: its dose and the note for this patient.

    ``key`` names the row across re-renders (so focus and scrolling can follow it)
    and ``position`` is where the therapist put it, by dragging or with the buttons.
    ``confirm`` is the therapist's check of an exercise tagged with one of the patient's
    conditions (see patients/cautions.py); ``note_for`` names the exercise a note was
    written for after a swap, until the therapist keeps or clears it.

    ``stored`` holds the programme's saved items by key: a row's earlier confirmation
    comes from there, never from the post.
    """

    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    position = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(required=False, label=CONFIRM_LABEL)
    note_for = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PrescriptionItem
        fields = ["exercise", *PrescriptionItem.DOSE_FIELDS, "note"]
        widgets = {
            "exercise": forms.HiddenInput,
            "note": forms.Textarea(attrs={"rows": 2}),
            "load": forms.TextInput(attrs={"placeholder": _("e.g. light band")}),
        }
        labels = {"times_per_day": _("Times a day"), "days_per_week": _("Days a week")}

    def __init__(self, *args, user, patient=None, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.patient, self.stored = user, patient, stored or {}
        self.confirmed = {}
        # Archived exercises stay valid for programmes that already hold them.
        self.fields["exercise"].queryset = Exercise.objects.visible_to(user)
        self.fields["exercise"].error_messages["invalid_choice"] = _(
            "That exercise is not in your library."
        )
        self.fields["rest_seconds"].label = _("Rest between sets (seconds)")
        self.fields["side"].choices = [("", "—"), *self.fields["side"].choices[1:]]
        for name, field in self.fields.items():
            if name != "note":  # the note keeps its length limit in sight
                field.help_text = ""  # the row shows the whole dose as a sentence instead

    def clean(self):
        cleaned_data = super().clean()
        exercise = cleaned_data.get("exercise")
        note_for = cleaned_data.get("note_for")
        if note_for and cleaned_data.get("note"):
            written_for = Exercise.objects.visible_to(self.user).filter(pk=note_for).first()
            if written_for:
                message = _(
                    "This note was written for %(exercise)s: press Keep this note or Clear it."
                ) % {"exercise": written_for}
            else:
                message = _(
                    "This note was written for another exercise: press Keep this note or Clear it."
                )
            self.add_error("note", message)
        if exercise is not None and self.patient is not None:
            earlier = self.stored.get(cleaned_data.get("key"))
            try:
                self.confirmed = confirmation(
                    earlier,
                    exercise,
                    self.patient.conditions,
                    cleaned_data.get("confirm"),
                    self.user,
                )
            except ValidationError as error:
                self.add_error("confirm", error)
        return cleaned_data

    def item_values(self) -> dict:
        """What ``save_programme`` stores for this row."""
        return {
            **{
                name: self.cleaned_data[name]
                for name in ["exercise", *PrescriptionItem.DOSE_FIELDS, "note"]
            },
            **self.confirmed,
        }


class ProgrammeItemRows(CountedFormSet):
    """The builder's rows. Each key names one row: a stored item's confirmation carries
    over to one row only."""

    def clean(self):
        super().clean()
        keys = [form.cleaned_data.get("key") for form in self.forms if form.cleaned_data]
        if len(keys) != len(set(keys)):
            raise ValidationError(
                _(
                    "The page was sent with two rows of the same name, so nothing was saved. "
                    "Reload the page and try again."
                ),
                code="duplicate_keys",
            )


ProgrammeItemFormSet = forms.formset_factory(ProgrammeItemForm, formset=ProgrammeItemRows, extra=0)


class NewProgrammeForm(forms.Form):
    """How a new programme starts: empty, from a protocol, or as a copy of another programme."""

    START_CHOICES = [
        ("empty", _("An empty programme")),
        ("protocol", _("A protocol")),
        ("copy", _("A copy of another patient's programme")),
    ]

    title = forms.CharField(
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the protocol's or the copied programme's title."),
    )
    start_from = forms.ChoiceField(
        choices=START_CHOICES, widget=forms.RadioSelect, initial="empty", label=_("Start from")
    )
    protocol = forms.ModelChoiceField(queryset=Protocol.objects.none(), required=False)
    source = forms.ModelChoiceField(
        queryset=Prescription.objects.none(), required=False, label=_("Programme to copy")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = Protocol.objects.visible_to(user).filter(archived=False)
        self.fields["source"].queryset = (
            Prescription.objects.visible_to(user)
            .select_related("patient")
            .order_by("patient__last_name", "patient__first_name", "title")
        )
        self.fields["source"].label_from_instance = lambda p: (
            f"{p.patient.full_name} ({p.patient.chart_number}): {p.title}"
        )

    def clean(self):
        cleaned_data = super().clean()
        start_from = self.understood_start(cleaned_data)
        if start_from:
            cleaned_data["start_from"] = start_from
        if start_from == "protocol" and not cleaned_data.get("protocol"):
            self.add_error("protocol", _("Choose the protocol to start from."))
        if start_from == "copy" and not cleaned_data.get("source"):
            self.add_error("source", _("Choose the programme to copy."))
        if start_from == "empty" and not cleaned_data.get("title"):
            self.add_error("title", _("Give the new programme a title."))
        return cleaned_data

    def understood_start(self, cleaned_data) -> str | None:
        """What the therapist meant to start from. Choosing a protocol, or a programme to
        copy, while "An empty programme" is still ticked means starting from it (the
        page's script ticks it; without the script the server reads it the same way).
        Choosing both with "empty" ticked is a question only the therapist can answer."""
        start_from = cleaned_data.get("start_from")
        if start_from != "empty":
            return start_from
        chosen = [
            start
            for field, start in [("protocol", "protocol"), ("source", "copy")]
            if cleaned_data.get(field)
        ]
        if len(chosen) > 1:
            self.add_error(
                "start_from", _("Choose whether to start from the protocol or the copy.")
            )
            return None
        return chosen[0] if chosen else "empty"


class ExerciseSearchForm(ExerciseFinderForm):
    """Finding an exercise to add, without leaving the builder: the library's search and
    filters (ExerciseFinderForm), so both find the same exercises in the same order."""

    LIMIT = 20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Find an exercise")
        # With JavaScript, results follow the typing; without it, the Search button does it.
        # The finder sits beside the builder's form, not in it (htmx swaps the form alone),
        # so each field names the form it is posted with.
        for name, field in self.fields.items():
            field.widget.attrs.update(
                {
                    "form": "builder",
                    "hx-get": reverse("patients:programme_exercise_search"),
                    "hx-trigger": "input changed delay:300ms, search" if name == "q" else "change",
                    "hx-include": "[name^='find-']",
                    "hx-target": "#search-results",
                    "hx-swap": "outerHTML",
                }
            )
        self.fields["q"].widget.attrs["type"] = "search"

    def results(self, user):
        """Up to ``LIMIT`` active exercises matching the search; none before anything is asked."""
        if not self.is_valid() or not any(self.cleaned_data.values()):
            return None
        return list(self.find(Exercise.objects.visible_to(user).active())[: self.LIMIT])


# --- A patient's session log ---------------------------------------------------------


class SessionLogForm(forms.Form):
    """'I did my exercises today', with an optional pain score and a short note."""

    pain = forms.TypedChoiceField(
        label=_("How much pain did you have? (0 = none, 10 = the worst)"),
        choices=[("", _("Rather not say")), *[(str(n), str(n)) for n in range(11)]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a pain score from 0 to 10.")},
    )
    note = forms.CharField(
        label=_("Anything to tell your therapist? (optional)"),
        max_length=SessionLog._meta.get_field("note").max_length,
        help_text=SessionLog._meta.get_field("note").help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Please keep the note to %(limit_value)d characters (it has %(show_value)d)."
            )
        },
    )


class UrgentChecklistForm(forms.Form):
    """The urgent questions asked after a pain score that needs an answer: one yes or no
    for each urgent sign this patient is shown (patients.stop_box.urgent_signs)."""

    def __init__(self, signs, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for sign in signs:
            self.fields[sign.key] = forms.TypedChoiceField(
                label=sign.question,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda answer: answer == "yes",
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer yes or no.")},
            )


class LinkDaysForm(forms.Form):
    """How many days from today a link opens: at least one, at most ``PATIENT_LINK_MAX_DAYS``."""

    days = forms.IntegerField(label=_("Opens for (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = settings.PATIENT_LINK_MAX_DAYS
        days = self.fields["days"]
        days.max_value = most
        days.validators.append(MaxValueValidator(most))
        days.widget.attrs["max"] = most
        days.initial = settings.PATIENT_LINK_DAYS
        days.error_messages |= {
            "min_value": _("A link must open for at least 1 day."),
            "max_value": _("A link can open for at most %(most)d days.") % {"most": most},
        }


class NewLinkForm(LinkDaysForm):
    """How long a new private link lasts, and whether it replaces the older ones.

    The older links stay open unless asked: printed handouts carry their QR codes, and
    a new link must not stop those opening by surprise. When they do stop, the current
    handouts are issued again with the new link's QR code unless the therapist says not.
    """

    revoke_others = forms.BooleanField(
        label=_("Stop the older links from opening"), required=False, initial=False
    )
    issue_again = forms.BooleanField(
        label=_("Issue the current handout again with the new link's QR code"),
        required=False,
        initial=True,
    )


class ExtendLinkForm(LinkDaysForm):
    """How long an existing link opens from today (its old expiry no longer counts)."""

    days = forms.IntegerField(label=_("Opens for (days from today)"), min_value=1)


# --- Patient records ---------------------------------------------------------------------


class PatientFilterForm(forms.Form):
    """The patient list's search and filters. Anything it cannot take (a NUL, a search
    of thousands of characters, an unknown choice) lists as if nothing were asked."""

    STATUS_CHOICES = [("active", _("Active")), ("discharged", _("Discharged")), ("all", _("All"))]
    WHOSE_CHOICES = [("all", _("Everyone in the clinic")), ("mine", _("My patients"))]
    DEFAULTS = {"q": "", "status": "active", "whose": "all"}

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    whose = forms.ChoiceField(required=False, choices=WHOSE_CHOICES)

    def choices(self) -> dict:
        """What to list: the valid answers, the defaults for the rest."""
        self.is_valid()  # cleaned_data then holds just the fields that passed
        data = self.cleaned_data
        return {name: data.get(name) or default for name, default in self.DEFAULTS.items()}

    def filter(self, patients, user):
        asked = self.choices()
        for word in asked["q"].split()[:5]:
            patients = patients.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(chart_number__icontains=word)
            )
        if asked["status"] == "active":
            patients = patients.filter(is_active=True)
        elif asked["status"] == "discharged":
            patients = patients.filter(is_active=False)
        if asked["whose"] == "mine":
            patients = patients.filter(primary_therapist=user)
        return patients


class ConditionsField(forms.TypedMultipleChoiceField):
    """A patient's conditions to take care with, as ticks, kept in the vocabulary's order."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Conditions to take care with"))
        kwargs.setdefault("help_text", Patient._meta.get_field("conditions").help_text)
        super().__init__(choices=Condition.choices, required=False, **kwargs)

    def clean(self, value):
        chosen = set(super().clean(value))
        return [condition for condition in Condition.values if condition in chosen]


class PatientForm(forms.ModelForm):
    """A patient's record in the therapist's app. The clinic comes from the user, never the form."""

    conditions = ConditionsField()

    class Meta:
        model = Patient
        fields = [
            "chart_number",
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "condition",
            "conditions",
            "notes",
            "primary_therapist",
            "language",
            "large_print",
            "paper_size",
            "is_active",
            "discharged_on",
        ]
        widgets = {
            "date_of_birth": DateInput,
            "discharged_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"is_active": _("Active (in care)"), "discharged_on": _("Discharged on")}
        help_texts = {"is_active": _("Untick when the patient is discharged.")}
        error_messages = {"email": {"invalid": _("Enter an email address like name@example.com.")}}

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        if self.instance.pk is None:
            self.instance.clinic = clinic  # Patient.clean checks the chart number in it
            self.initial.setdefault("language", clinic.language)
        # A form sent without it (an older page) keeps the language the patient has.
        self.fields["language"].required = False
        self.fields["primary_therapist"].queryset = get_user_model().objects.filter(
            clinic=clinic, is_active=True, is_staff=True
        )
        self.fields["primary_therapist"].empty_label = _("No one yet")
        self.fields["paper_size"].choices = [
            ("", _("The clinic's default (%(size)s)") % {"size": clinic.get_paper_size_display()}),
            *self.fields["paper_size"].choices[1:],
        ]

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language or self.clinic.language

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born is not None and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born is not None and born.year < 1900:
            raise forms.ValidationError(_("Check the year: the date of birth is before 1900."))
        return born

    def clean(self):
        cleaned_data = super().clean()
        active = cleaned_data.get("is_active")
        discharged_on = cleaned_data.get("discharged_on")
        if discharged_on is not None and discharged_on > timezone.localdate():
            self.add_error("discharged_on", _("The discharge date cannot be in the future."))
        elif active and discharged_on is not None:
            self.add_error(
                "discharged_on",
                _("An active patient has no discharge date: clear it, or untick Active."),
            )
        elif active is False and discharged_on is None:
            cleaned_data["discharged_on"] = timezone.localdate()
        return cleaned_data
