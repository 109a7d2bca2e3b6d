"""Outcome measures in the app: attaching them to a programme, answers given in the clinic
and their corrections (staff), and the patient's own answers through their private link.

The rules (when a measure is due, what an answer must hold, corrections) live in
patients.outcomes and patients.measures; these views parse, call and render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from hipclinic.access import client_ip, staff_required
from hipclinic.audit import audit as audit_staff
from hipclinic.models import AuditAction
from patients.measure_forms import AnswerForm, ScheduleForm, initial_from
from patients.measures import MeasureError
from patients.models import Measure, MeasureAnswer, MeasureSchedule
from patients.outcomes import (
    clinic_day,
    due_measures,
    is_first_answer,
    named_activities,
    programme_asking,
    record_answer,
)
from patients.patient_page import clinic_today
from patients.views.handouts import visible_prescription
from patients.views.patient_page import audit, opened_by_link, private, safety_context
from patients.views.programmes import programme_page
from patients.views.records import visible_patient

# --- A programme's measures ------------------------------------------------------------------


@staff_required
@permission_required("patients.change_prescription", raise_exception=True)
@require_POST
def schedule_add(request, pk: int):
    """Attach a measure to the programme, with when it is asked."""
    programme = visible_prescription(request, pk)
    form = ScheduleForm(request.POST, prescription=programme)
    if not form.is_valid():
        return programme_page(request, programme, schedule_form=form, status=400)
    form.instance.created_by = request.user
    schedule = form.save()
    audit_staff(request, AuditAction.CREATED, schedule)
    messages.success(
        request, _("%(measure)s added to this programme.") % {"measure": schedule.measure.name}
    )
    return redirect("patients:programme_detail", programme.pk)


@staff_required
@permission_required("patients.change_prescription", raise_exception=True)
@require_POST
def schedule_remove(request, pk: int):
    """Stop asking for a measure in this programme; its answers stay on the record."""
    schedule = get_object_or_404(
        MeasureSchedule.objects.visible_to(request.user).select_related("measure", "prescription"),
        pk=pk,
    )
    audit_staff(request, AuditAction.DELETED, schedule)
    schedule.delete()
    messages.success(
        request,
        f"{schedule.measure.name} is no longer asked for. Its answers stay on the record.",
    )
    return redirect("patients:programme_detail", schedule.prescription_id)


# --- Answers given in the clinic, and corrections --------------------------------------------


@staff_required
@permission_required("patients.add_measureanswer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def answer_new(request, pk: int, measure_pk: int):
    """Type in a measure's answers given in the clinic (on paper, say), with their day."""
    patient = visible_patient(request, pk)
    measure = get_object_or_404(
        Measure.objects.for_clinic(patient.clinic_id).filter(is_active=True), pk=measure_pk
    )
    form = AnswerForm(
        request.POST or None,
        spec=measure.spec,
        activities=named_activities(patient, measure),
        staff=True,
        first_day=clinic_day(patient.created_at, patient.clinic),
        today=clinic_today(patient),
    )
    if request.method == "POST" and form.is_valid():
        answer = saved_answer(
            request,
            form,
            patient=patient,
            measure=measure,
            answered_on=form.cleaned_data["answered_on"],
            prescription=programme_asking(patient, measure),
        )
        if answer is not None:
            messages.success(request, _("%(measure)s: answers saved.") % {"measure": measure.name})
            return redirect(record_url(patient))
    return render(
        request,
        "patients/measure_answer.html",
        {"patient": patient, "measure": measure, "form": form, "correcting": None},
        status=400 if form.errors else 200,
    )


@staff_required
@permission_required("patients.add_measureanswer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def answer_correct(request, pk: int):
    """Put a mistake right: the same questions, prefilled, saved as a correction that
    names the answer it corrects (which stays on record, out of scores and charts)."""
    answer = get_object_or_404(
        MeasureAnswer.objects.visible_to(request.user)
        .current()
        .select_related("patient__clinic", "measure", "prescription"),
        pk=pk,
    )
    patient, measure = answer.patient, answer.measure
    # Only the first answer may rename activities; later ones rate the same ones.
    activities = (
        None
        if measure.spec.kind != "activities" or is_first_answer(answer)
        else [name for name, _point in answer.values["activities"]]
    )
    form = AnswerForm(
        request.POST or None,
        initial=initial_from(answer, activities),
        spec=measure.spec,
        activities=activities,
    )
    if request.method == "POST" and form.is_valid():
        saved = saved_answer(
            request,
            form,
            patient=patient,
            measure=measure,
            prescription=answer.prescription,
            corrects=answer,
        )
        if saved is not None:
            messages.success(
                request, f"{measure.name}: the answer of {answer.answered_on:%-d %B} is corrected."
            )
            return redirect(record_url(patient))
    return render(
        request,
        "patients/measure_answer.html",
        {"patient": patient, "measure": measure, "form": form, "correcting": answer},
        status=400 if form.errors else 200,
    )


def saved_answer(request, form: AnswerForm, *, patient, measure, **given) -> MeasureAnswer | None:
    """Record the form's answers; None, with the reason on the form, when they cannot be."""
    try:
        return record_answer(
            patient,
            measure,
            form.answers(),
            entered_by=request.user,
            ip=client_ip(request),
            **given,
        )
    except MeasureError as error:
        form.add_error(None, str(error).split(": ", 1)[-1])
    except IntegrityError:  # someone corrected the same answer a moment ago
        form.add_error(
            None, _("Someone else corrected this answer just now: open the record again.")
        )
    return None


def record_url(patient) -> str:
    return reverse("patients:patient_detail", args=[patient.pk]) + "#measures-heading"


# --- The patient's own answers ---------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@opened_by_link
def patient_questions(request, link, token: str):
    """The first measure due, one at a time: its questions, then thanks and back to the
    patient's page. Nothing due: straight back to the page."""
    patient = link.patient
    today = clinic_today(patient)
    due = due_measures(patient, today)
    if request.method == "POST":
        due = [d for d in due if str(d.measure.pk) == request.POST.get("measure")]
    if not due:
        return redirect("public:patient_page", token)
    due = due[0]
    measure = due.measure
    spec = measure.spec_in(patient.language)
    activities = named_activities(patient, measure)
    form = AnswerForm(request.POST or None, spec=spec, activities=activities)
    if request.method == "POST" and form.is_valid():
        try:
            record_answer(
                patient,
                measure,
                form.answers(),
                answered_on=today,
                prescription=due.schedule.prescription,
                link=link,
                ip=client_ip(request),
            )
        except MeasureError:
            form.add_error(None, _("Please check your answers and send them again."))
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("public:patient_page", token)
    if request.method == "GET":
        audit(AuditAction.VIEWED, due.schedule, link, request)
    return private(
        render(
            request,
            "patients/public/measure.html",
            {
                **safety_context(patient),
                "measure": measure,
                "spec": spec,
                "form": form,
                "naming": spec.kind == "activities" and activities is None,
            },
            status=400 if form.errors else 200,
        )
    )
