"""Forms for the exercise library and protocols in the therapist's app."""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from exercises.illustrations import update_drawing
from exercises.models import (
    SEARCH_MAX_LENGTH,
    TRANSLATED_LANGUAGES,
    Contraindication,
    Difficulty,
    Equipment,
    Exercise,
    ExerciseTranslation,
    Kind,
    Muscle,
    MuscleGroup,
    Position,
    Protocol,
    ProtocolItem,
)
from hipclinic.fields import CheckedModelMultipleChoiceField
from hipclinic.forms import CountedFormSet


class ExerciseFinderForm(forms.Form):
    """Finding an exercise: words, and the kinds of exercise a therapist looks for.

    The library page (LibraryFilterForm) and the builder's finder
    (patients.forms.ExerciseSearchForm) both are this form, so they offer the same filters
    and find the same exercises in the same order (``find``)."""

    q = forms.CharField(required=False, label=_("Search"), max_length=SEARCH_MAX_LENGTH)
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Any kind")), *Kind.choices]
    )
    position = forms.ChoiceField(
        required=False, label=_("Position"), choices=[("", _("Any position")), *Position.choices]
    )
    difficulty = forms.ChoiceField(
        required=False,
        label=_("Difficulty"),
        choices=[("", _("Any difficulty")), *Difficulty.choices],
    )
    muscle_group = forms.ChoiceField(
        required=False,
        label=_("Body area"),
        choices=[("", _("Any body area")), *MuscleGroup.choices],
    )
    equipment = forms.ModelChoiceField(
        queryset=Equipment.objects.all(),
        required=False,
        label=_("Equipment"),
        empty_label=_("Any equipment"),
    )
    no_floor_work = forms.BooleanField(
        required=False,
        label=_("No floor work"),
        help_text=_("Only exercises done standing or on a chair."),
    )

    def find(self, exercises):
        """``exercises`` matching the words and the filters, best match first (see
        ExerciseQuerySet.search); all of them, in name order, if the form is invalid."""
        if not self.is_valid():
            return exercises.search("")
        data = self.cleaned_data
        return exercises.search(data["q"]).narrowed(
            kind=data["kind"],
            position=data["position"],
            difficulty=data["difficulty"],
            body_area=data["muscle_group"],
            equipment=data["equipment"],
            no_floor_work=data["no_floor_work"],
        )


class LibraryFilterForm(ExerciseFinderForm):
    """Browse the library; those who keep it may also show the archived exercises."""

    archived = forms.BooleanField(required=False, label=_("Show archived exercises"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("exercises.change_exercise"):
            # Archived exercises are for those who keep the library: they decide what comes back.
            del self.fields["archived"]

    def filter(self, exercises):
        """``exercises`` narrowed to what the form asks for (the unarchived ones if it is invalid)."""
        if not (self.is_valid() and self.cleaned_data.get("archived")):
            exercises = exercises.filter(archived=False)
        return self.find(exercises)


class ExerciseForm(forms.ModelForm):
    """A clinic's own exercise. The clinic and slug come from the manager and the name."""

    class Meta:
        model = Exercise
        fields = [
            "name",
            "kind",
            "position",
            "difficulty",
            "purpose",
            "steps",
            "cues",
            "precautions",
            "muscles",
            "equipment",
            "easier_version",
            "illustration",
            *Exercise.DOSE_FIELDS,
        ]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 5}),
            "cues": forms.Textarea(attrs={"rows": 3}),
            "precautions": forms.Textarea(attrs={"rows": 3}),
            "muscles": forms.CheckboxSelectMultiple,
            "equipment": forms.CheckboxSelectMultiple,
        }
        labels = {"times_per_day": _("Times a day"), "days_per_week": _("Days a week")}
        field_classes = {
            "muscles": CheckedModelMultipleChoiceField,
            "equipment": CheckedModelMultipleChoiceField,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A new exercise joins the manager's clinic; an edited one stays where it is.
        self.clinic = self.instance.clinic if self.instance.pk else user.clinic
        # Muscles and equipment are one shared list for every clinic.
        self.fields["muscles"].queryset = Muscle.objects.all()
        self.fields["equipment"].queryset = Equipment.objects.all()
        # The easier version comes from the same library: this clinic's or the shared one.
        easier = (
            Exercise.objects.visible_to(user)
            .for_clinic(self.clinic)
            .filter(Q(archived=False) | Q(pk=self.instance.easier_version_id))
        )
        if self.instance.pk:
            easier = easier.exclude(pk=self.instance.pk)
        self.fields["easier_version"].queryset = easier
        self.fields["easier_version"].empty_label = _("None")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = slugify(name)
        if not slug:
            raise forms.ValidationError(_("Give the exercise a name with letters or numbers."))
        taken = Exercise.objects.filter(Q(slug=slug) | Q(name__iexact=name), clinic=self.clinic)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Your clinic already has an exercise with this name."))
        return name

    def save(self, commit=True):
        exercise = super().save(commit=False)
        exercise.clinic = self.clinic
        exercise.slug = slugify(exercise.name)
        if commit:
            exercise.save()
            self.save_m2m()
            update_drawing(exercise)  # a renamed exercise's drawing carries the new title
        return exercise


class ContraindicationForm(forms.ModelForm):
    """A condition that makes the exercise unsafe, and why (the builder's warning shows it)."""

    class Meta:
        model = Contraindication
        fields = ["condition", "reason"]
        labels = {
            "condition": _("Condition to take care with"),
            "reason": _("Why, in plain words"),
        }
        error_messages = {"reason": {"required": _("Say why, so the therapist can judge it.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = self.fields["condition"].choices[1:]
        self.fields["condition"].choices = [("", _("Choose a condition")), *choices]


ContraindicationFormSet = forms.inlineformset_factory(
    Exercise,
    Contraindication,
    form=ContraindicationForm,
    extra=1,
    can_delete=True,
)


class ExerciseTranslationForm(forms.ModelForm):
    """A clinic's own exercise in one of the patients' other languages, on the exercise's
    own form: what handouts and the patient's page print for a patient who reads it.

    Optional: left wholly empty there is none (and one cleared is removed), and a handout
    in that language prints the exercise in English with a note. Otherwise name, purpose
    and steps are needed, line for line with the English as posted beside it
    (``ExerciseTranslation.clean``, the library's and the admin's rule).
    """

    NEEDED = ("name", "purpose", "steps")

    class Meta:
        model = ExerciseTranslation
        fields = ["name", "purpose", "steps", "cues", "precautions"]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 5}),
            "cues": forms.Textarea(attrs={"rows": 3}),
            "precautions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, exercise: Exercise, language: str, **kwargs):
        kept = exercise.translations.filter(language=language).first() if exercise.pk else None
        translation = kept or ExerciseTranslation(language=language)
        # The English it is checked against is the exercise form's, as posted.
        translation.exercise = exercise
        super().__init__(*args, instance=translation, prefix=f"translation-{language}", **kwargs)
        self.language = language
        # "Spanish" on an English page, "español" on a Spanish one.
        self.language_name = get_language_info(language)["name_translated"]
        for field in self.fields.values():
            field.required = False
            field.widget.attrs["lang"] = language

    @property
    def left_empty(self) -> bool:
        return self.is_bound and not any(
            self.data.get(self.add_prefix(name), "").strip() for name in self.fields
        )

    def full_clean(self):
        if self.left_empty:  # nothing to check: no translation
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        for name in self.NEEDED:
            if not cleaned.get(name):
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    def save_for(self, exercise: Exercise) -> None:
        """Keep the translation for ``exercise``, or remove it when left empty."""
        if self.left_empty:
            if self.instance.pk:
                self.instance.delete()
            return
        self.instance.exercise = exercise
        self.save()


def translation_forms(data, exercise: Exercise) -> list[ExerciseTranslationForm]:
    """One translation form per language patients may read besides English."""
    return [
        ExerciseTranslationForm(data, exercise=exercise, language=code)
        for code, _name in TRANSLATED_LANGUAGES
    ]


@transaction.atomic
def save_exercise(
    form: ExerciseForm,
    cautions: ContraindicationFormSet,
    translations: list[ExerciseTranslationForm] = (),
) -> Exercise:
    """Save the exercise, its conditions to take care with and its translations, together."""
    exercise = form.save()
    cautions.instance = exercise
    cautions.save()
    for translation in translations:
        translation.save_for(exercise)
    return exercise


class ProtocolFilterForm(forms.Form):
    """Find a protocol by words in its name or condition."""

    q = forms.CharField(required=False, label=_("Name or condition"), max_length=100)
    archived = forms.BooleanField(required=False, label=_("Show archived protocols"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("exercises.change_protocol"):
            del self.fields["archived"]

    def filter(self, protocols):
        """``protocols`` narrowed to what the form asks for (unarchived ones if it is invalid)."""
        data = self.cleaned_data if self.is_valid() else {"q": ""}
        if not data.get("archived"):
            protocols = protocols.filter(archived=False)
        for word in data["q"].split():
            protocols = protocols.filter(Q(name__icontains=word) | Q(condition__icontains=word))
        return protocols


class ProtocolForm(forms.ModelForm):
    class Meta:
        model = Protocol
        fields = ["name", "condition", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = self.instance.clinic if self.instance.pk else user.clinic

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = slugify(name)
        if not slug:
            raise forms.ValidationError(_("Give the protocol a name with letters or numbers."))
        taken = Protocol.objects.filter(Q(slug=slug) | Q(name__iexact=name), clinic=self.clinic)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Your clinic already has a protocol with this name."))
        return name


class ProtocolItemForm(forms.ModelForm):
    class Meta:
        model = ProtocolItem
        fields = ["exercise", *ProtocolItem.DOSE_FIELDS, "note"]
        widgets = {"note": forms.TextInput}
        labels = {"times_per_day": _("Times a day"), "days_per_week": _("Days a week")}

    def __init__(self, *args, user, clinic, keep=(), **kwargs):
        """``keep``: exercises already in the protocol, still allowed once archived."""
        super().__init__(*args, **kwargs)
        self.fields["exercise"].queryset = (
            Exercise.objects.visible_to(user)
            .for_clinic(clinic)
            .filter(Q(archived=False) | Q(pk__in=keep))
        )
        for name, field in self.fields.items():
            if name != "note":  # the note keeps its length limit in sight
                field.help_text = ""


ProtocolItemFormSet = forms.formset_factory(
    ProtocolItemForm, formset=CountedFormSet, extra=2, can_delete=True, can_order=True
)


@transaction.atomic
def save_protocol(form: ProtocolForm, items: ProtocolItemFormSet) -> Protocol:
    """Save the protocol and replace its items with the formset's, in the order given."""
    protocol = form.save(commit=False)
    protocol.clinic = form.clinic
    protocol.slug = slugify(protocol.name)
    protocol.save()
    protocol.items.all().delete()
    kept = [f for f in items.ordered_forms if f.cleaned_data.get("exercise")]
    ProtocolItem.objects.bulk_create(
        [
            ProtocolItem(
                protocol=protocol,
                order=position,
                exercise=item_form.cleaned_data["exercise"],
                note=item_form.cleaned_data["note"],
                **{f: item_form.cleaned_data[f] for f in ProtocolItem.DOSE_FIELDS},
            )
            for position, item_form in enumerate(kept)
        ]
    )
    return protocol
