"""The programme builder and the programme page.

The builder is one form: the programme's fields and its exercises as a formset.
Every button (add, move, swap, remove, search, save) posts that whole form, so
nothing typed is ever lost, and the page works with plain reloads. With
JavaScript, htmx sends the same posts and swaps just the builder in, and
SortableJS lets the therapist drag rows (it only renumbers hidden positions).
"""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from exercises.dosing import dose_sentence
from exercises.models import Exercise
from hipclinic.access import staff_required
from hipclinic.audit import audit
from hipclinic.fields import checked_id
from hipclinic.models import AuditAction
from patients.cautions import carried_over, cautions, item_cautions, to_confirm
from patients.chart_note import chart_note
from patients.forms import (
    ExerciseSearchForm,
    NewProgrammeForm,
    ProgrammeForm,
    ProgrammeItemForm,
    ProgrammeItemFormSet,
)
from patients.handout_choices import HandoutChoiceForm
from patients.handouts import printed_in_english
from patients.measure_forms import ScheduleForm
from patients.models import Patient, Prescription, PrescriptionItem
from patients.outcomes import schedules_with_next_day
from patients.patient_page import clinic_today
from patients.prescribing import (
    StaleProgramme,
    copy_prescription,
    prescription_from_protocol,
    save_programme,
)
from patients.views.handouts import visible_prescription

ITEMS = "items"
ROW_FIELDS = [
    "key",
    "position",
    "exercise",
    *PrescriptionItem.DOSE_FIELDS,
    "note",
    "note_for",
    "confirm",
]
# What a swap keeps of the row it replaces: how often, which is the patient's routine.
FREQUENCY_FIELDS = ["times_per_day", "days_per_week"]


@staff_required
@require_http_methods(["GET", "POST"])
def programme_new(request, patient_pk: int):
    """Start a draft programme for a patient: empty, from a protocol, or copied."""
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_pk)
    form = NewProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["start_from"] == "protocol":
            programme = prescription_from_protocol(
                patient, data["protocol"], request.user, title=data["title"]
            )
        elif data["start_from"] == "copy":
            programme = copy_prescription(
                data["source"], patient, request.user, title=data["title"]
            )
        else:
            programme = Prescription.objects.create(
                patient=patient, therapist=request.user, title=data["title"]
            )
        audit(request, AuditAction.CREATED, programme)
        messages.success(
            request, _("Draft programme created. Add or adjust its exercises, then save.")
        )
        return redirect("patients:programme_edit", programme.pk)
    return render(request, "patients/programme_new.html", {"patient": patient, "form": form})


@staff_required
@require_safe
def programme_detail(request, pk: int):
    """A programme as it stands, its issued handouts, the ways to preview and issue, and
    the outcome measures it asks for, and its note for the chart."""
    return programme_page(request, visible_prescription(request, pk))


def programme_page(request, programme: Prescription, *, schedule_form=None, status: int = 200):
    """The programme page; ``schedule_form``: a measure form sent with a mistake."""
    items = programme.items.select_related("exercise", "confirmed_by", "prescription__patient")
    items = items.prefetch_related("exercise__contraindications")
    handouts = programme.handouts.select_related("issued_by").order_by("-revision")
    return render(
        request,
        "patients/programme_detail.html",
        {
            "programme": programme,
            "patient": programme.patient,
            "items": [(item, dose_sentence(item), item_cautions(item)) for item in items],
            "handouts": handouts,
            "handout_choice": HandoutChoiceForm(programme.patient),
            "handout_in_english": printed_in_english(programme, programme.patient.language),
            "chart_note": chart_note(programme),
            "measure_schedules": schedules_with_next_day(programme),
            "today": clinic_today(programme.patient),
            "schedule_form": schedule_form or ScheduleForm(prescription=programme),
        },
        status=status,
    )


@staff_required
@require_safe
def exercise_search(request):
    """Search results for the builder's exercise finder (fetched by htmx as you type)."""
    search = ExerciseSearchForm(request.GET, prefix="find")
    return render(
        request,
        "patients/_exercise_results.html",
        {"results": search.results(request.user), "search": search},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    """The builder. See the module's docstring for how its buttons work."""
    programme = visible_prescription(request, pk)
    user = request.user
    search = ExerciseSearchForm(request.POST or None, prefix="find")
    status = ""
    focus = []
    stored = stored_items(programme)
    rows_need = {"user": user, "patient": programme.patient, "stored": stored}

    if request.method == "GET":
        form = ProgrammeForm(instance=programme)
        rows = stored_rows(programme)
        formset = ProgrammeItemFormSet(initial=rows, prefix=ITEMS, form_kwargs=rows_need)
    else:
        action, argument = read_action(request.POST.get("action") or "refresh")
        if action == "save":
            form = ProgrammeForm(request.POST, instance=programme)
            formset = ProgrammeItemFormSet(request.POST, prefix=ITEMS, form_kwargs=rows_need)
            if form.is_valid() and formset.is_valid():
                ordered = sorted(formset.forms, key=lambda f: f.cleaned_data["position"])
                try:
                    save_programme(
                        form.instance,
                        form.cleaned_data["seen_revision"],
                        [item_form.item_values() for item_form in ordered],
                        user=user,
                    )
                except StaleProgramme as stale:
                    form.add_error(None, str(stale))
                else:
                    audit(request, AuditAction.CHANGED, programme)
                    messages.success(
                        request, _("Saved “%(title)s”.") % {"title": form.instance.title}
                    )
                    url = reverse("patients:programme_detail", args=[programme.pk])
                    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            status = _("Nothing was saved: please correct the marked fields.")
        else:
            # Everything typed comes back as it was; only the rows change.
            form = ProgrammeForm(initial=request.POST.dict(), instance=programme)
            rows = submitted_rows(request.POST)
            keys_before = [row["key"] for row in rows]
            rows, status = apply_action(action, argument, rows, user, programme.patient)
            focus = focus_after(action, argument, keys_before, rows)
            formset = ProgrammeItemFormSet(initial=rows, prefix=ITEMS, form_kwargs=rows_need)

    return render(
        request,
        "patients/programme_builder.html",
        {
            "programme": programme,
            "patient": programme.patient,
            "form": form,
            "formset": formset,
            "rows": builder_rows(formset, user, programme.patient, stored),
            "search": search,
            "results": search.results(user) if search.is_bound else None,
            "status": status,
            "focus": focus,
        },
    )


def stored_items(programme: Prescription) -> dict[str, PrescriptionItem]:
    """The programme's saved items by their rows' keys (whose confirmations carry over)."""
    return {f"item-{item.pk}": item for item in programme.items.select_related("confirmed_by")}


def stored_rows(programme: Prescription) -> list[dict]:
    return [
        {
            "key": f"item-{item.pk}",
            "position": position,
            "exercise": item.exercise_id,
            "note": item.note,
            "note_for": "",
            "confirm": "",
            **item.dose_values(),
        }
        for position, item in enumerate(programme.items.all())
    ]


def submitted_rows(data) -> list[dict]:
    """The builder's rows as posted, in the order the therapist left them."""
    try:
        total = min(int(data.get(f"{ITEMS}-TOTAL_FORMS", 0)), 200)
    except ValueError:
        total = 0
    rows = [
        {field: data.get(f"{ITEMS}-{index}-{field}", "") for field in ROW_FIELDS}
        for index in range(total)
    ]

    def position(indexed):
        index, row = indexed
        try:
            return (int(row["position"]), index)
        except ValueError:
            return (index, index)

    return [row for _, row in sorted(enumerate(rows), key=position)]


# What each builder button posts as ``action``: a name, and for most a row's key or
# (for "add") an exercise id after a colon.
ROW_BUTTONS = {"up", "down", "remove", "easier", "harder", "keepnote", "clearnote"}
NAMING_BUTTONS = {"add", *ROW_BUTTONS}
BUTTONS = {"refresh", "search", "save", *NAMING_BUTTONS}


def read_action(value: str) -> tuple[str, str]:
    """The button pressed and what it names; ``("unknown", "")`` for a value no button sends."""
    name, colon, argument = value.partition(":")
    if name in NAMING_BUTTONS and argument:
        return name, argument
    if name in BUTTONS - NAMING_BUTTONS and not colon:
        return name, ""
    return "unknown", ""


def named_exercise(value, exercises) -> Exercise | None:
    """The exercise among ``exercises`` that a posted value names; None also for a value
    that cannot be an id at all ('abc', a 30-digit number), before any query is made."""
    pk = checked_id(Exercise, value)
    return None if pk is None else exercises.filter(pk=pk).first()


def apply_action(
    action: str, argument: str, rows: list[dict], user, patient: Patient
) -> tuple[list[dict], str]:
    """The rows after one button press, and a sentence saying what happened (read out by
    screen readers, so it also says when the exercise brought in needs care)."""
    status = ""
    index = next((i for i, row in enumerate(rows) if row["key"] == argument), None)
    if action == "unknown":
        status = _("The builder did not understand that request; nothing changed.")
    elif action == "add":
        exercise = named_exercise(argument, Exercise.objects.visible_to(user).active())
        if exercise is None:
            status = _("That exercise is not in your library.")
        else:
            rows.append(new_row(exercise))
            status = _("Added %(name)s as exercise %(number)d.") % {
                "name": exercise.name,
                "number": len(rows),
            }
            status += take_care(exercise, patient)
    elif action in ROW_BUTTONS and index is None:
        status = _("That exercise is no longer in the programme; nothing changed.")
    elif action in ("up", "down"):
        target = index - 1 if action == "up" else index + 1
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
            status = _("Moved to position %(number)d.") % {"number": target + 1}
    elif action == "remove":
        rows.pop(index)
        status = _("Removed the exercise. Save to keep the change.")
    elif action in ("easier", "harder"):
        variation = variation_of(
            named_exercise(rows[index]["exercise"], Exercise.objects.visible_to(user)), action, user
        )
        if variation is None:
            status = (
                _("There is no easier version of that exercise in your library.")
                if action == "easier"
                else _("There is no harder version of that exercise in your library.")
            )
        else:
            rows[index] = swapped_row(rows[index], variation)
            swapped = (
                _(
                    "Swapped for the easier version, %(name)s, at its usual dose and the same "
                    "times a day and days a week."
                )
                if action == "easier"
                else _(
                    "Swapped for the harder version, %(name)s, at its usual dose and the same "
                    "times a day and days a week."
                )
            )
            status = swapped % {"name": variation.name}
            status += take_care(variation, patient)
            if rows[index]["note_for"]:
                status += " " + _("Keep the note, or clear it?")
    elif action == "keepnote":
        rows[index]["note_for"] = ""
        status = _("Kept the note.")
    elif action == "clearnote":
        rows[index].update(note="", note_for="")
        status = _("Cleared the note.")
    for position, row in enumerate(rows):
        row["position"] = position
    return rows, status


def focus_after(action: str, argument: str, keys_before: list[str], rows: list[dict]) -> list[str]:
    """Where a keyboard user's focus goes once the builder is shown again: the ids of the
    page's elements to try in turn (none: focus stays where it was).

    After Add, the new row's heading; after a swap, the same button on the row if it is
    still there, else the row's heading; after Remove, the row that took its place, or
    the one before it when the last was removed. Move keeps focus on its button by itself
    (htmx finds the button by its id again)."""
    keys = [row["key"] for row in rows]
    if action == "add" and len(keys) > len(keys_before):
        return [f"heading-{keys[-1]}"]
    if action in ("easier", "harder") and argument in keys:
        return [f"{action}-{argument}", f"heading-{argument}"]
    if action == "remove" and argument in keys_before and argument not in keys:
        if not keys:
            return ["no-items"]
        index = min(keys_before.index(argument), len(keys) - 1)
        return [f"heading-{keys[index]}"]
    return []


def take_care(exercise: Exercise, patient: Patient) -> str:
    """A sentence naming the patient's conditions the exercise is tagged with, if any."""
    labels = [caution.label for caution in to_confirm(exercise, patient.conditions)]
    if not labels:
        return ""
    return " " + _("Take care: %(conditions)s. Read the warning on its row and confirm it.") % {
        "conditions": "; ".join(str(label) for label in labels)
    }


def new_row(exercise: Exercise) -> dict:
    """A row for an exercise just added: its default dose, no note yet, not confirmed."""
    return {
        "key": f"new-{secrets.token_hex(4)}",
        "position": 0,
        "exercise": exercise.pk,
        "note": "",
        "note_for": "",
        "confirm": "",
        **exercise.dose_values(),
    }


def swapped_row(row: dict, variation: Exercise) -> dict:
    """``row`` with ``variation`` in its place: the variation's usual dose, except for the
    row's frequency, which stays the patient's. The note, written for the exercise swapped
    out, stays in sight with a question (``note_for``) until the therapist keeps or clears
    it; a confirmation never carries to another exercise."""
    return {
        **new_row(variation),
        **{name: row[name] for name in FREQUENCY_FIELDS},
        "key": row["key"],
        "note": row["note"],
        "note_for": (row["note_for"] or row["exercise"]) if row["note"] else "",
    }


def variation_of(exercise: Exercise | None, direction: str, user) -> Exercise | None:
    if exercise is None:
        return None
    visible = Exercise.objects.visible_to(user).active()
    if direction == "easier":
        return visible.filter(pk=exercise.easier_version_id or None).first()
    return visible.filter(easier_version=exercise).order_by("name").first()


def builder_rows(formset, user, patient: Patient, stored: dict) -> list[dict]:
    """Each row's form with its exercise, variations, the dose as the patient will read it,
    the cautions its exercise needs for this patient, the confirmation that carries over,
    and the exercise its note was written for when a swap left that question open."""
    ids = {checked_id(Exercise, form["exercise"].value()) for form in formset.forms}
    ids |= {checked_id(Exercise, form["note_for"].value()) for form in formset.forms}
    exercises = (
        Exercise.objects.visible_to(user)
        .filter(pk__in=ids - {None})
        .select_related("easier_version")
        .prefetch_related(
            "contraindications",
            Prefetch(
                "harder_versions",
                queryset=Exercise.objects.visible_to(user).active().order_by("name"),
            ),
        )
    )
    by_id = {exercise.pk: exercise for exercise in exercises}
    rows = []
    for form in formset.forms:
        exercise = by_id.get(checked_id(Exercise, form["exercise"].value()))
        easier = exercise.easier_version if exercise else None
        if easier is not None and easier.archived:
            easier = None
        harder = exercise.harder_versions.all()[:1] if exercise else []
        earlier = carried_over(stored.get(form["key"].value()), exercise)
        row_cautions = cautions(
            exercise, patient.conditions, earlier.confirmed_conditions if earlier else []
        )
        rows.append(
            {
                "form": form,
                "exercise": exercise,
                "easier": easier,
                "harder": harder[0] if harder else None,
                "reads_as": typed_dose_sentence(form),
                "cautions": row_cautions,
                "needs_confirming": any(not caution.confirmed for caution in row_cautions),
                "confirmed": earlier if earlier and earlier.confirmed_by_id else None,
                "note_for": by_id.get(checked_id(Exercise, form["note_for"].value())),
            }
        )
    return rows


def typed_dose_sentence(form: ProgrammeItemForm) -> str:
    """The dose sentence for what is in the row now; empty while a field does not parse."""
    item = PrescriptionItem()
    for name in PrescriptionItem.DOSE_FIELDS:
        try:
            setattr(item, name, form.fields[name].clean(form[name].value()))
        except ValidationError:
            return ""
    return dose_sentence(item)
