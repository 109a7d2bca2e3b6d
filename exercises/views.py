"""The exercise library and protocols in the therapist's app.

Everyone on the staff browses; managers also keep their clinic's own exercises and
protocols. The shared library (no clinic) is read-only here: only platform admins
change it, in the admin.
"""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exercises.forms import (
    ExerciseForm,
    LibraryFilterForm,
    ProtocolForm,
    ProtocolItemFormSet,
    save_protocol,
)
from exercises.models import Exercise, Protocol, ProtocolItem
from hipclinic.access import manager_required, staff_required
from hipclinic.paging import paginate
from patients.dosing import dose_sentence


def own_or_404(queryset, request, pk: int):
    """A row of the manager's own clinic; the shared library and other clinics are 404 here."""
    return get_object_or_404(queryset.filter(clinic_id=request.user.clinic_id), pk=pk)


# --- Exercises ---------------------------------------------------------------------------


@staff_required
@require_safe
def exercise_list(request):
    """The shared library and the clinic's own exercises, filtered and a page at a time."""
    filters = LibraryFilterForm(request.GET)
    exercises = filters.filter(Exercise.objects.visible_to(request.user)).prefetch_related(
        "muscles", "equipment"
    )
    context = {**paginate(request, exercises.order_by("name")), "filters": filters}
    return render(request, "exercises/exercise_list.html", context)


@staff_required
@require_safe
def exercise_detail(request, pk: int):
    """Everything the handout prints for an exercise, its variations, and where it is used."""
    visible = Exercise.objects.visible_to(request.user)
    exercise = get_object_or_404(
        visible.select_related("easier_version").prefetch_related("muscles", "equipment"), pk=pk
    )
    context = {
        "exercise": exercise,
        "dose": dose_sentence(exercise),
        "easier": exercise.easier_version
        if exercise.easier_version_id and visible.filter(pk=exercise.easier_version_id).exists()
        else None,
        "harder": visible.filter(easier_version=exercise).order_by("name"),
        "protocols": Protocol.objects.visible_to(request.user)
        .filter(items__exercise=exercise, archived=False)
        .distinct()
        .order_by("name"),
        "can_edit": exercise.clinic_id is not None and is_manager(request.user),
    }
    return render(request, "exercises/exercise_detail.html", context)


def is_manager(user) -> bool:
    return user.is_superuser or user.is_manager


@manager_required
@require_http_methods(["GET", "POST"])
def exercise_new(request):
    form = ExerciseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        exercise = form.save()
        messages.success(request, f"Added {exercise.name} to your clinic's library.")
        return redirect("exercises:exercise_detail", exercise.pk)
    return render(request, "exercises/exercise_form.html", {"form": form, "exercise": None})


@manager_required
@require_http_methods(["GET", "POST"])
def exercise_edit(request, pk: int):
    exercise = own_or_404(Exercise.objects.all(), request, pk)
    form = ExerciseForm(
        request.POST or None, request.FILES or None, instance=exercise, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {exercise.name}.")
        return redirect("exercises:exercise_detail", exercise.pk)
    return render(request, "exercises/exercise_form.html", {"form": form, "exercise": exercise})


@manager_required
@require_POST
def exercise_archive(request, pk: int):
    """Archive (hide from new programmes) or restore one of the clinic's exercises."""
    exercise = own_or_404(Exercise.objects.all(), request, pk)
    exercise.archived = not exercise.archived
    exercise.save(update_fields=["archived", "updated_at"])
    if exercise.archived:
        messages.success(request, f"Archived {exercise.name}: programmes that use it keep it.")
    else:
        messages.success(request, f"Restored {exercise.name} to the library.")
    return redirect("exercises:exercise_detail", exercise.pk)


# --- Protocols ---------------------------------------------------------------------------


@staff_required
@require_safe
def protocol_list(request):
    """Programme templates: the shared library's and the clinic's own."""
    protocols = Protocol.objects.visible_to(request.user).filter(archived=False)
    query = request.GET.get("q", "").strip()
    for word in query.split():
        protocols = protocols.filter(Q(name__icontains=word) | Q(condition__icontains=word))
    protocols = protocols.annotate(exercise_count=Count("items")).order_by("name")
    return render(
        request, "exercises/protocol_list.html", {**paginate(request, protocols), "q": query}
    )


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
        "can_edit": protocol.clinic_id is not None and is_manager(request.user),
    }
    return render(request, "exercises/protocol_detail.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def protocol_new(request):
    return protocol_form(request, Protocol())


@manager_required
@require_http_methods(["GET", "POST"])
def protocol_edit(request, pk: int):
    return protocol_form(request, own_or_404(Protocol.objects.all(), request, pk))


def protocol_form(request, protocol: Protocol):
    initial = (
        [
            {"exercise": item.exercise_id, "note": item.note, "ORDER": n + 1, **item.dose_values()}
            for n, item in enumerate(protocol.items.order_by("order"))
        ]
        if protocol.pk
        else []
    )
    form = ProtocolForm(request.POST or None, instance=protocol, user=request.user)
    items = ProtocolItemFormSet(
        request.POST or None, initial=initial, prefix="items", form_kwargs={"user": request.user}
    )
    if request.method == "POST" and form.is_valid() and items.is_valid():
        protocol = save_protocol(form, items)
        messages.success(request, f"Saved the protocol “{protocol.name}”.")
        return redirect("exercises:protocol_detail", protocol.pk)
    return render(
        request,
        "exercises/protocol_form.html",
        {"form": form, "items": items, "protocol": protocol if protocol.pk else None},
    )


@manager_required
@require_POST
def protocol_archive(request, pk: int):
    protocol = own_or_404(Protocol.objects.all(), request, pk)
    protocol.archived = not protocol.archived
    protocol.save(update_fields=["archived", "updated_at"])
    verb = "Archived" if protocol.archived else "Restored"
    messages.success(request, f"{verb} the protocol “{protocol.name}”.")
    return redirect("exercises:protocol_detail", protocol.pk)
