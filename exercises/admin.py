"""Admin pages for the exercise library: exercises, muscles, equipment and protocols.

Staff see their clinic's own exercises and protocols beside the shared library;
they may pick library rows but only platform admins change them.
"""

from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableStackedInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Count
from django.forms.formsets import DELETION_FIELD_NAME
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from exercises import poses
from exercises.dosing import dose_sentence, without_a_dose
from exercises.illustrations import update_drawing
from exercises.models import (
    Contraindication,
    Dose,
    Equipment,
    Exercise,
    ExerciseTranslation,
    Muscle,
    Protocol,
    ProtocolItem,
    lines,
)
from hipclinic.admin import ClinicScopedAdmin, ClinicScopedInline, ParentRowsOnly, clinic_id_of
from hipclinic.ordering import OUT_OF_THE_WAY, set_positions

# --- Ordered items: a protocol's and a programme's exercises -------------------------------
# Both share OrderedItemInline, which lets a drag-and-drop reorder swap positions without
# tripping the database's "order is unique within its parent" constraint.


class OrderedItemForm(forms.ModelForm):
    """One ordered item. Its position is settled by the formset, not checked row by row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Dose.DOSE_FIELDS:
            if name in self.fields:
                # Under each small box a hint would make every row twice as tall; the
                # labels say enough, as in the app's protocol and builder rows.
                self.fields[name].help_text = ""

    def _get_validation_exclusions(self):
        # A swap posts item A at B's old position while B still holds it in the
        # database; checking (parent, order) per row would refuse a valid reorder.
        # OrderedItemFormSet.save renumbers every item, so positions cannot clash.
        return super()._get_validation_exclusions() | {"order"}

    def clean_exercise(self):
        exercise = self.cleaned_data["exercise"]
        keeps_current = self.instance.pk and exercise.pk == self.instance.exercise_id
        if exercise.archived and not keeps_current:
            raise forms.ValidationError(
                gettext("“%(exercise)s” is archived. Choose a current exercise for new items.")
                % {"exercise": exercise}
            )
        return exercise


class OrderedItemFormSet(ParentRowsOnly, CustomInlineFormSet):
    """Saves ordered items, then numbers all of the parent's items 0..n-1 in the order posted.

    Rows are first written at temporary positions no other row holds, then
    ``set_positions`` gives every item its final place, so a reorder never makes
    two rows share a position, on SQLite or PostgreSQL.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            # Django's "Delete" beside an exercise reads as deleting the exercise itself.
            form.fields[DELETION_FIELD_NAME].label = _("Remove this row")

    def clean(self):
        super().clean()
        known, clinic_id = clinic_id_of(self.instance)
        if not known:
            return  # the parent form is invalid; its errors come first
        chosen = {
            form: form.cleaned_data["exercise"]
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("exercise")
            and not self._should_delete_form(form)
        }
        exercises = self.model._meta.get_field("exercise").related_model.objects
        allowed = set(
            exercises.for_clinic(clinic_id)
            .filter(pk__in=[exercise.pk for exercise in chosen.values()])
            .values_list("pk", flat=True)
        )
        for form, exercise in chosen.items():
            if exercise.pk not in allowed:
                # Only platform admins, who see every clinic, can get here.
                form.add_error(
                    "exercise", gettext("This exercise is not in this clinic's library.")
                )

    def arranged_forms(self):
        """The forms that hold an item after saving, in the order the user arranged them.

        Existing items follow their posted positions (the drag-and-drop script
        renumbers them); new items go after them, in the order they were added.
        """
        existing = [form for form in self.initial_forms if form not in self.deleted_forms]
        existing.sort(
            key=lambda form: (
                form.cleaned_data.get("order") is None,
                form.cleaned_data.get("order") or 0,
                self.forms.index(form),
            )
        )
        new = [
            form
            for form in self.extra_forms
            if form.has_changed() and not self._should_delete_form(form)
        ]
        return existing + new

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        arranged = self.arranged_forms()
        for temporary, form in enumerate(arranged, start=2 * OUT_OF_THE_WAY):
            form.instance.order = temporary
        saved = super().save(commit=True)

        items = self.model.objects.filter(**{self.fk.name: self.instance})
        arranged_pks = [form.instance.pk for form in arranged]
        others = items.exclude(pk__in=arranged_pks).order_by("order", "pk")
        set_positions(items, arranged_pks + list(others.values_list("pk", flat=True)))
        for position, form in enumerate(arranged):
            form.instance.order = position
        return saved


# adminsortable2 prints these on every sortable row without a Spanish of its own; marked
# here so they are gathered into our message files, which Django reads first.
SORTABLE_ROW_WORDS = (gettext_noop("Move to first position"), gettext_noop("Move to last position"))

# The dose fields of one item, two lines under its exercise: how much, then how often.
DOSE_LINES = [
    ("sets", "reps", "reps_max", "hold", "hold_max", "hold_unit", "side"),
    ("walk_minutes", "build_up_to", "times_per_day", "days_per_week", "load", "rest_seconds"),
]


class OrderedItemInline(ClinicScopedInline, SortableStackedInline):
    """Drag-and-drop sortable items: the exercise, its dose on two lines under it, the note,
    and the dose as the patient reads it on a line of its own.

    Picking an exercise fills an untouched row with the exercise's usual dose
    (``ExerciseAdmin.autocomplete_details`` and static/hipclinic/ordered-items.js).
    """

    form = OrderedItemForm
    formset = OrderedItemFormSet
    extra = 0
    classes = ["ordered-items"]
    verbose_name = _("exercise")
    verbose_name_plural = _("exercises")
    autocomplete_fields = ["exercise"]
    fields = ["exercise", *DOSE_LINES, "note", "reads_as"]
    readonly_fields = ["reads_as"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 14})},
    }

    class Media:
        js = ["admin/js/jquery.init.js", "hipclinic/ordered-items.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "exercise" and isinstance(field.widget, RelatedFieldWidgetWrapper):
            # Beside a row's exercise, a pencil and a plus read as changing the row or
            # adding one, yet edit or add an exercise in the library; only "view" is kept.
            # (The red cross, deleting the exercise itself, is gone from every picker.)
            field.widget.can_add_related = False
            field.widget.can_change_related = False
        return field

    def reading_language(self, item) -> str:
        """The language a row's dose is shown in: the reader's, for a protocol's row."""
        return get_language()

    @admin.display(description=_("the patient reads"))
    def reads_as(self, item):
        """The dose as the handout prints it, so the therapist sees the patient's words."""
        if item.pk is None:
            return ""
        sentence = dose_sentence(item, self.reading_language(item))
        return sentence or gettext("No dose yet: the patient reads no amount.")


def is_autocomplete(request) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


class ArchiveActions:
    """Archive and unarchive actions for library rows; library rows stay as they are for staff."""

    actions = ["archive", "unarchive"]

    def _set_archived(self, request, queryset, archived: bool) -> None:
        noun = self.opts.verbose_name_plural
        if not request.user.is_superuser:
            shared = queryset.filter(clinic__isnull=True).count()
            queryset = queryset.filter(clinic__isnull=False)
            if shared:
                self.message_user(
                    request,
                    gettext(
                        "%(count)s shared-library %(noun)s left as they were: "
                        "only platform admins change the library."
                    )
                    % {"count": shared, "noun": noun},
                    messages.WARNING,
                )
        updated = queryset.exclude(archived=archived).update(archived=archived)
        done = (
            gettext("Archived %(count)s %(noun)s.")
            if archived
            else gettext("Restored %(count)s %(noun)s.")
        )
        self.message_user(request, done % {"count": updated, "noun": noun})

    @admin.action(
        description=_("Archive selected (hide from new programmes)"), permissions=["change"]
    )
    def archive(self, request, queryset):
        self._set_archived(request, queryset, True)

    @admin.action(description=_("Restore selected from the archive"), permissions=["change"])
    def unarchive(self, request, queryset):
        self._set_archived(request, queryset, False)


@admin.register(Muscle)
class MuscleAdmin(ClinicScopedAdmin):
    list_display = ["name", "group", "plain_name"]
    list_filter = ["group"]
    search_fields = ["name", "plain_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Equipment)
class EquipmentAdmin(ClinicScopedAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ExerciseAdminForm(forms.ModelForm):
    class Meta:
        model = Exercise
        fields = ["clinic", "easier_version"]  # the admin adds the rest from its fieldsets
        help_texts = {
            "pose": _(
                "The positions of a drawn figure, written as in the shared library's "
                "files. Drawn only while no picture is uploaded."
            ),
        }

    def clean_pose(self):
        """Pose data must draw and number its positions with the exercise's steps; the error
        names the field, e.g. pose.near.knee. The steps come first in the form, so they are
        cleaned by now."""
        pose = self.cleaned_data.get("pose") or {}
        if pose:
            steps = lines(self.cleaned_data.get("steps", self.instance.steps))
            try:
                poses.check_pose(pose, self.instance.slug or "new exercise", steps=len(steps))
            except poses.PoseError as error:
                raise forms.ValidationError(f"{error.field}: {error.detail}.") from error
        return pose

    def clean(self):
        cleaned_data = super().clean()
        easier = cleaned_data.get("easier_version")
        if easier is None:
            return cleaned_data
        if self.instance.pk and easier.pk == self.instance.pk:
            self.add_error(
                "easier_version", gettext("An exercise cannot be its own easier version.")
            )
        clinic = cleaned_data.get("clinic", self.instance.clinic if self.instance.pk else None)
        if easier.clinic_id is not None and easier.clinic_id != getattr(clinic, "pk", None):
            # A shared exercise must not point into one clinic's exercises.
            self.add_error("easier_version", gettext("Choose an exercise from the same library."))
        return cleaned_data


class ContraindicationInline(ClinicScopedInline, admin.TabularInline):
    """The conditions that make the exercise unsafe, each with the reason the therapist reads
    when the builder warns. Read-only on a shared-library exercise, like the exercise."""

    model = Contraindication
    fields = ["condition", "reason"]
    extra = 0
    verbose_name = _("condition to take care with")
    verbose_name_plural = _("conditions to take care with")
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 60})},
    }


class ExerciseTranslationInline(ClinicScopedInline, admin.StackedInline):
    """A clinic's own exercise in the patient's other languages: what its handout and the
    patient's page print for a patient who reads one of them.

    Line for line with the English (``ExerciseTranslation.clean``, the library's rule), so
    each step keeps its picture's number and a stop rule stays one. A shared-library
    exercise's translations come from the library files (``load_library`` makes the rows
    those of the files), so they are shown and changed by nobody here, platform admins
    included.
    """

    model = ExerciseTranslation
    fields = ["language", "name", "purpose", "steps", "cues", "precautions"]
    extra = 0
    verbose_name = _("translation for patients")
    verbose_name_plural = _("translations for patients")
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 60})},
    }

    def parent_is_read_only(self, request, obj) -> bool:
        return obj is not None and obj.is_shared


@admin.register(Exercise)
class ExerciseAdmin(ArchiveActions, ClinicScopedAdmin):
    form = ExerciseAdminForm
    inlines = [ContraindicationInline, ExerciseTranslationInline]
    list_display = [
        "name",
        "kind",
        "position",
        "difficulty",
        "muscle_names",
        "in_library",
        "archived",
    ]
    list_filter = ["kind", "position", "difficulty", "muscles__group", "equipment", "archived"]
    # Django offers the search box and the pickers when search_fields is set; the search
    # itself is Exercise.objects.search (see get_search_results), with the slug besides.
    search_fields = ["name", "slug"]
    autocomplete_fields = ["muscles", "equipment", "easier_version"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["harder_version_list", "created_at", "updated_at"]
    hidden_from_staff_when_read_only = ("slug", "pose")
    fieldsets = [
        (None, {"fields": ["clinic", "name", "slug"]}),
        (
            _("Classification"),
            {"fields": ["kind", "position", "difficulty", "muscles", "equipment"]},
        ),
        (_("What the patient reads"), {"fields": ["purpose", "steps", "cues", "precautions"]}),
        (
            _("Default dose"),
            {
                "description": _("Where a new programme item starts; every field is optional."),
                "fields": [
                    ("sets", "reps", "reps_max"),
                    ("hold", "hold_max", "hold_unit"),
                    "side",
                    ("walk_minutes", "build_up_to"),
                    ("times_per_day", "days_per_week"),
                    "load",
                    "rest_seconds",
                ],
            },
        ),
        (_("Variations"), {"fields": ["easier_version", "harder_version_list"]}),
        (
            _("Sources and illustration"),
            {
                "description": _(
                    "With a pose and no uploaded picture, the illustration is "
                    "drawn from the pose when you save."
                ),
                "fields": ["sources", "illustration", "pose"],
            },
        ),
        (None, {"fields": ["archived", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("muscles")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        update_drawing(obj)

    def autocomplete_details(self, exercise) -> dict:
        """What a picker's answer carries besides the name: the usual dose, which a new
        protocol or programme row starts from, as the builder's new rows do."""
        return {"dose": exercise.dose_values()}

    def get_search_results(self, request, queryset, search_term):
        """The admin's list and pickers find what the library and the builder find, and an
        exercise by its slug, which only the admin shows. No joins, so no duplicates."""
        by_slug = queryset.filter(slug__icontains=search_term.strip())
        queryset = queryset.search(search_term) | by_slug
        if is_autocomplete(request):
            # Pickers offer current exercises; archived ones stay on the items that have them.
            queryset = queryset.active()
        return queryset, False

    @admin.display(description=_("muscles"))
    def muscle_names(self, exercise):
        return ", ".join(muscle.name for muscle in exercise.muscles.all())

    @admin.display(description=_("shared library"), boolean=True)
    def in_library(self, exercise):
        return exercise.is_shared

    def get_object(self, request, object_id, from_field=None):
        exercise = super().get_object(request, object_id, from_field)
        # Another clinic may have built a harder version on a library exercise;
        # list only those this user may see.
        exercise.visible_harder_versions = list(
            exercise.harder_versions.visible_to(request.user).order_by("name")
        )
        return exercise

    @admin.display(description=_("harder versions"))
    def harder_version_list(self, exercise):
        harder = getattr(exercise, "visible_harder_versions", [])
        if not harder:
            return gettext("None yet: choose this exercise as the easier version of another.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                ((reverse("admin:exercises_exercise_change", args=[h.pk]), h) for h in harder),
            ),
        )


class ProtocolItemInline(OrderedItemInline):
    model = ProtocolItem


@admin.register(Protocol)
class ProtocolAdmin(ArchiveActions, SortableAdminBase, ClinicScopedAdmin):
    list_display = [
        "name",
        "condition",
        "exercise_count",
        "in_library",
        "archived",
        "start_programme",
    ]
    list_filter = ["archived", "condition"]
    search_fields = ["name", "slug", "condition"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["clinic", "name", "slug", "condition", "description", "sources", "archived"]
    inlines = [ProtocolItemInline]
    ordering = ["name", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_count=Count("items"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        missing = without_a_dose(form.instance.items.select_related("exercise"))
        if missing:
            self.message_user(
                request,
                gettext(
                    "Saved, but with no dose for %(exercises)s: a programme started "
                    "from this protocol would print no amount for it. Give it sets, "
                    "repetitions, a hold or a time."
                )
                % {"exercises": ", ".join(missing)},
                messages.WARNING,
            )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if is_autocomplete(request):
            queryset = queryset.filter(archived=False)
        return queryset, may_have_duplicates

    @admin.display(description=_("exercises"), ordering="exercise_count")
    def exercise_count(self, protocol):
        return protocol.exercise_count

    @admin.display(description=_("shared library"), boolean=True)
    def in_library(self, protocol):
        return protocol.clinic_id is None

    @admin.display(description="")
    def start_programme(self, protocol):
        url = reverse("admin:patients_prescription_from_protocol")
        return format_html(
            '<a href="{}?protocol={}">{}</a>', url, protocol.pk, gettext("Start a programme")
        )
