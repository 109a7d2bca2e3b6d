"""Forms for outcome measures: the schedule a programme asks for, and one measure's answers,
built from its definition (patients.measures), for the patient's page and for staff."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.forms import DateInput
from patients.measures import ACTIVITY_LENGTH, Definition, MeasureError, checked_answers
from patients.models import Measure, MeasureAnswer, MeasureSchedule, Prescription

# The longest gap between two answers a schedule may ask for.
MOST_WEEKS = 52


class ScheduleForm(forms.ModelForm):
    """Attach a measure to a programme: at the first handout always, then every N weeks
    and/or at the review date."""

    every_weeks = forms.IntegerField(
        label=gettext_lazy("Then every (weeks)"),
        min_value=1,
        max_value=MOST_WEEKS,
        required=False,
        help_text=gettext_lazy("Leave empty to ask only at the start and the review."),
        error_messages={
            "min_value": gettext_lazy("At least 1 week."),
            "max_value": format_lazy(gettext_lazy("At most {weeks} weeks."), weeks=MOST_WEEKS),
        },
    )

    class Meta:
        model = MeasureSchedule
        fields = ["measure", "every_weeks", "at_review"]
        labels = {"at_review": "Also at the review date"}

    def __init__(self, *args, prescription: Prescription, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.prescription = prescription
        attached = prescription.measure_schedules.values("measure")
        self.fields["measure"].queryset = (
            Measure.objects.for_clinic(prescription.patient.clinic_id)
            .filter(is_active=True)
            .exclude(pk__in=attached)
        )
        self.fields["measure"].empty_label = _("Choose a measure")
        self.fields["measure"].error_messages["required"] = _("Choose one from the list.")


class AnswerForm(forms.Form):
    """One measure's questions: each item on the scale; or, for a patient-specific scale,
    the activities (named at the first answer, 3 to 5) each rated on the scale.

    ``activities``: the names carried from the first answer (None: this answer names them).
    ``staff``: staff typing answers given in the clinic add the day they were given,
    between ``first_day`` and ``today``. ``answers()`` gives what record_answer takes.
    """

    def __init__(
        self,
        *args,
        spec: Definition,
        activities: list[str] | None = None,
        staff: bool = False,
        first_day: datetime.date | None = None,
        today: datetime.date | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.spec, self.activities = spec, activities
        self.first_day, self.today = first_day, today
        # Each point's own words where the definition gives them, else its number.
        choices = [
            (str(point), spec.scale.labels.get(point, str(point))) for point in spec.scale.points
        ]
        if spec.kind == "items":
            for item in spec.items:
                self.fields[f"item_{item.key}"] = self.rating(item.question, choices)
        elif activities is not None:
            for number, name in enumerate(activities, start=1):
                self.fields[f"rating_{number}"] = self.rating(name, choices)
        else:
            fewest = spec.activities.fewest
            for number in range(1, spec.activities.most + 1):
                required = number <= fewest
                self.fields[f"activity_{number}"] = forms.CharField(
                    label=_("Activity %(number)d") % {"number": number},
                    max_length=ACTIVITY_LENGTH,
                    required=required,
                    error_messages={
                        "required": _("Please name at least %(fewest)d activities.")
                        % {"fewest": fewest},
                        "max_length": _("Please keep each activity to %(most)d letters.")
                        % {"most": ACTIVITY_LENGTH},
                    },
                )
                self.fields[f"rating_{number}"] = self.rating(
                    spec.activities.rating_question, choices, required=required
                )
        if staff:
            self.fields["answered_on"] = forms.DateField(
                label=_("The day they were given"), widget=DateInput, initial=today
            )

    @staticmethod
    def rating(label: str, choices, required: bool = True) -> forms.TypedChoiceField:
        return forms.TypedChoiceField(
            label=label,
            choices=choices,
            coerce=int,
            required=required,
            widget=forms.RadioSelect,
            error_messages={"required": _("Please choose a number for each question.")},
        )

    @property
    def worded(self) -> bool:
        """Whether the scale's points have words (one per line) or only numbers (a grid)."""
        return bool(self.spec.scale.labels)

    def questions(self) -> list[dict]:
        """The questions in order, for the template: each rating with its activity's name
        field when the patient names them here, and whether it may be left empty."""
        rows = []
        for name in self.fields:
            if name.startswith(("item_", "rating_")):
                activity = f"activity_{name.removeprefix('rating_')}"
                rows.append(
                    {
                        "rating": self[name],
                        "activity": self[activity] if activity in self.fields else None,
                        "optional": not self.fields[name].required,
                    }
                )
        return rows

    @property
    def asked(self) -> list[dict]:
        return [row for row in self.questions() if not row["optional"]]

    @property
    def more(self) -> list[dict]:
        """The activities a patient may add beyond the fewest (shown folded)."""
        return [row for row in self.questions() if row["optional"]]

    @property
    def more_filled(self) -> bool:
        return any(
            row["activity"].value() or row["rating"].value() or row["rating"].errors
            for row in self.more
        )

    def clean_answered_on(self):
        day = self.cleaned_data["answered_on"]
        if day > self.today:
            raise forms.ValidationError(_("The day cannot be in the future."))
        if self.first_day and day < self.first_day:
            raise forms.ValidationError(
                _("The day cannot be before the patient's record began (%(day)s).")
                % {"day": date_format(self.first_day)}
            )
        return day

    def clean(self):
        data = super().clean()
        if self.spec.kind == "activities" and self.activities is None:
            for number in range(1, self.spec.activities.most + 1):
                named = (data.get(f"activity_{number}") or "").strip()
                rated = data.get(f"rating_{number}") not in (None, "")
                if named and not rated and f"rating_{number}" not in self.errors:
                    self.add_error(
                        f"rating_{number}", _("Please choose a number for this activity.")
                    )
                elif rated and not named and f"activity_{number}" not in self.errors:
                    self.add_error(f"activity_{number}", _("Please name this activity."))
        if not self.errors:
            try:
                checked_answers(self.spec, self.answers(), self.activities)
            except MeasureError as error:
                raise forms.ValidationError(str(error).split(": ", 1)[-1]) from error
        return data

    def answers(self) -> dict:
        data = self.cleaned_data
        if self.spec.kind == "items":
            return {"items": {item.key: data[f"item_{item.key}"] for item in self.spec.items}}
        if self.activities is not None:
            return {
                "activities": [
                    [name, data[f"rating_{number}"]]
                    for number, name in enumerate(self.activities, start=1)
                ]
            }
        return {
            "activities": [
                [data[f"activity_{number}"].strip(), data[f"rating_{number}"]]
                for number in range(1, self.spec.activities.most + 1)
                if (data.get(f"activity_{number}") or "").strip()
            ]
        }


def initial_from(answer: MeasureAnswer, activities: list[str] | None) -> dict:
    """The answer form's values for correcting ``answer``."""
    values = answer.values
    if "items" in values:
        return {f"item_{key}": point for key, point in values["items"].items()}
    initial = {}
    for number, (name, point) in enumerate(values["activities"], start=1):
        initial[f"rating_{number}"] = point
        if activities is None:
            initial[f"activity_{number}"] = name
    return initial
