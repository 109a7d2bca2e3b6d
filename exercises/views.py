"""The exercise library and protocols in the therapist's app.

Everyone on the staff browses; managers also keep their clinic's own exercises and
protocols. The shared library (no clinic) is read-only here: only platform admins
change it, in the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.forms.formsets import all_valid
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exercises.dosing import dose_sentence
from exercises.forms import (
    ContraindicationFormSet,
    ExerciseForm,
    LibraryFilterForm,
    ProtocolFilterForm,
    ProtocolForm,
    ProtocolItemFormSet,
    save_exercise,
    save_protocol,
    translation_forms,
)
from exercises.models import TRANSLATED_LANGUAGES, Exercise, Protocol, ProtocolItem
from hipclinic.access import staff_required
from hipclinic.files import picture_response
from hipclinic.paging import paginate


def clinic_row_or_404(queryset, request, pk: int):
    """A clinic's own row the user can see; the shared library is read-only here, so 404."""
    return get_object_or_404(queryset.visible_to(request.user).exclude(clinic=None), pk=pk)


def toggle_archived(request, rows, pk: int, *, archived: str, restored: str):
    """Archive one of the clinic's own rows, or restore it if archived, and say which
    (``archived`` or ``restored``, translated, with ``%(name)s`` for the row's name). Programmes that
    use an archived row keep it; it is only hidden from new ones."""
    row = clinic_row_or_404(rows, request, pk)
    row.archived = not row.archived
    row.save(update_fields=["archived", "updated_at"])
    messages.success(request, (archived if row.archived else restored) % {"name": row.name})
    return row


def require_a_clinic(request) -> None:
    """New rows join the user's clinic; a platform admin without one uses the admin instead."""
    if request.user.clinic_id is None:
        raise PermissionDenied


# --- Exercises ---------------------------------------------------------------------------


@staff_required
@require_safe
def exercise_list(request):
    """The shared library and the clinic's own exercises, best match first, a page at a time."""
    filters = LibraryFilterForm(request.GET, user=request.user)
    exercises = filters.filter(Exercise.objects.visible_to(request.user)).prefetch_related(
        "muscles", "equipment"
    )
    context = {**paginate(request, exercises), "filters": filters}
    return render(request, "exercises/exercise_list.html", context)


@staff_required
@require_safe
def exercise_detail(request, pk: int):
    """Everything the handout prints for an exercise, its variations, and where it is used."""
    visible = Exercise.objects.visible_to(request.user)
    exercise = get_object_or_404(
        visible.prefetch_related("muscles", "equipment", "contraindications"), pk=pk
    )
    translated = {translation.language: translation for translation in exercise.translations.all()}
    context = {
        "exercise": exercise,
        "dose": dose_sentence(exercise),
        "translations": [
            (code, translated.get(code), dose_sentence(exercise, code))
            for code, _name in TRANSLATED_LANGUAGES
        ],
        "easier": visible.active().filter(pk=exercise.easier_version_id).first(),
        "harder": visible.active().filter(easier_version=exercise).order_by("name"),
        "protocols": Protocol.objects.visible_to(request.user)
        .filter(items__exercise=exercise, archived=False)
        .distinct()
        .order_by("name"),
        "can_edit": exercise.clinic_id is not None
        and request.user.has_perm("exercises.change_exercise"),
    }
    return render(request, "exercises/exercise_detail.html", context)


@staff_required
@require_safe
def exercise_picture(request, pk: int):
    """The exercise's picture: the shared library's to all staff, a clinic's own to its
    staff; 404 for another clinic's, like an exercise that does not exist."""
    exercise = get_object_or_404(Exercise.objects.visible_to(request.user), pk=pk)
    return picture_response(request, exercise.illustration.name)


@staff_required
@permission_required("exercises.add_exercise", raise_exception=True)
@require_http_methods(["GET", "POST"])
def exercise_new(request):
    require_a_clinic(request)
    form = ExerciseForm(request.POST or None, request.FILES or None, user=request.user)
    cautions = ContraindicationFormSet(request.POST or None, prefix="cautions")
    translations = translation_forms(request.POST or None, form.instance)
    if request.method == "POST" and all_valid([form, cautions, *translations]):
        exercise = save_exercise(form, cautions, translations)
        messages.success(
            request, _("Added %(name)s to your clinic's library.") % {"name": exercise.name}
        )
        return redirect("exercises:exercise_detail", exercise.pk)
    context = {"form": form, "cautions": cautions, "translations": translations, "exercise": None}
    return render(request, "exercises/exercise_form.html", context)


@staff_required
@permission_required("exercises.change_exercise", raise_exception=True)
@require_http_methods(["GET", "POST"])
def exercise_edit(request, pk: int):
    exercise = clinic_row_or_404(Exercise.objects, request, pk)
    form = ExerciseForm(
        request.POST or None, request.FILES or None, instance=exercise, user=request.user
    )
    cautions = ContraindicationFormSet(request.POST or None, instance=exercise, prefix="cautions")
    translations = translation_forms(request.POST or None, form.instance)
    if request.method == "POST" and all_valid([form, cautions, *translations]):
        save_exercise(form, cautions, translations)
        messages.success(request, _("Saved %(name)s.") % {"name": exercise.name})
        return redirect("exercises:exercise_detail", exercise.pk)
    context = {
        "form": form,
        "cautions": cautions,
        "translations": translations,
        "exercise": exercise,
    }
    return render(request, "exercises/exercise_form.html", context)


@staff_required
@permission_required("exercises.change_exercise", raise_exception=True)
@require_POST
def exercise_archive(request, pk: int):
    """Archive (hide from new programmes) or restore one of the clinic's exercises."""
    exercise = toggle_archived(
        request,
        Exercise.objects,
        pk,
        archived=_("Archived %(name)s: programmes that use it keep it."),
        restored=_("Restored %(name)s to the library."),
    )
    return redirect("exercises:exercise_detail", exercise.pk)


# --- Protocols ---------------------------------------------------------------------------


@staff_required
@require_safe
def protocol_list(request):
    """Programme templates: the shared library's and the clinic's own."""
    filters = ProtocolFilterForm(request.GET, user=request.user)
    protocols = filters.filter(Protocol.objects.visible_to(request.user))
    protocols = protocols.annotate(exercise_count=Count("items")).order_by("name")
    context = {**paginate(request, protocols), "filters": filters}
    return render(request, "exercises/protocol_list.html", context)


@staff_required
@require_safe
def protocol_detail(request, pk: int):
    items = ProtocolItem.objects.select_related("exercise").order_by("order")
    protocol = get_object_or_404(
        Protocol.objects.visible_to(request.user).prefetch_related(
            Prefetch("items", queryset=items)
        ),
        pk=pk,
    )
    context = {
        "protocol": protocol,
        "items": [(item, dose_sentence(item)) for item in protocol.items.all()],
        "can_edit": protocol.clinic_id is not None
        and request.user.has_perm("exercises.change_protocol"),
    }
    return render(request, "exercises/protocol_detail.html", context)


@staff_required
@permission_required("exercises.add_protocol", raise_exception=True)
@require_http_methods(["GET", "POST"])
def protocol_new(request):
    require_a_clinic(request)
    return protocol_form(request, Protocol())


@staff_required
@permission_required("exercises.change_protocol", raise_exception=True)
@require_http_methods(["GET", "POST"])
def protocol_edit(request, pk: int):
    return protocol_form(request, clinic_row_or_404(Protocol.objects, request, pk))


def protocol_form(request, protocol: Protocol):
    """The protocol's fields and its rows; saving replaces the rows, in one transaction."""
    current = list(protocol.items.order_by("order")) if protocol.pk else []
    initial = [
        {"exercise": item.exercise_id, "note": item.note, "ORDER": n + 1, **item.dose_values()}
        for n, item in enumerate(current)
    ]
    form = ProtocolForm(request.POST or None, instance=protocol, user=request.user)
    items = ProtocolItemFormSet(
        request.POST or None,
        initial=initial,
        prefix="items",
        form_kwargs={
            "user": request.user,
            "clinic": form.clinic,
            "keep": [item.exercise_id for item in current],
        },
    )
    if request.method == "POST" and form.is_valid() and items.is_valid():
        protocol = save_protocol(form, items)
        messages.success(request, _("Saved the protocol “%(name)s”.") % {"name": protocol.name})
        return redirect("exercises:protocol_detail", protocol.pk)
    return render(
        request,
        "exercises/protocol_form.html",
        {"form": form, "items": items, "protocol": protocol if protocol.pk else None},
    )


@staff_required
@permission_required("exercises.change_protocol", raise_exception=True)
@require_POST
def protocol_archive(request, pk: int):
    """Archive (hide from new programmes) or restore one of the clinic's protocols."""
    protocol = toggle_archived(
        request,
        Protocol.objects,
        pk,
        archived=_("Archived the protocol “%(name)s”."),
        restored=_("Restored the protocol “%(name)s”."),
    )
    return redirect("exercises:protocol_detail", protocol.pk)
