"""The patient's pages, opened by their private link: no login, one patient, nothing else.

Every answer that is not a live link is the same polite 404, whatever the reason
(unknown, expired, revoked, discharged), so the page gives nothing away. Views and
log posts are rate-limited per link and per address; each view, download and log
writes an audit event holding ids only.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from hipclinic.access import client_ip
from hipclinic.files import picture_response
from hipclinic.models import AuditAction, AuditEvent
from hipclinic.ratelimit import over_limit
from patients.alerts import alert_for_log, record_answers, todays_open_alert
from patients.forms import SessionLogForm, UrgentChecklistForm
from patients.handouts import date_or_none, handout_filename
from patients.links import open_link
from patients.outcomes import due_measures, questions_in
from patients.patient_page import clinic_today, exercise_picture, latest_handout, log_for_today
from patients.reminder_forms import reminder_box
from patients.stop_box import stop_box_lines, tel_href, urgent_signs


def private(response):
    """Headers every patient page carries: never cached, never indexed, never referred,
    and the language it is written in.

    "same-origin" rather than "no-referrer": the link is never sent to another site,
    and the browser still sends a real Origin with the log form (Django's CSRF check
    refuses the "null" origin that "no-referrer" makes Chromium send).
    """
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = translation.get_language()
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def not_found(request):
    return private(render(request, "patients/public/not_found.html", status=404))


def too_many(request):
    response = private(render(request, "patients/public/too_many.html", status=429))
    response["Retry-After"] = "60"
    return response


def limited(request, token: str) -> bool:
    """Count this request against the link's and the address's limits (both, always)."""
    by_link = over_limit("patient-link", token, settings.PATIENT_LINK_RATE)
    by_address = over_limit("patient-ip", client_ip(request) or "", settings.PATIENT_IP_RATE)
    return by_link or by_address


def pictures_limited(request, token: str) -> bool:
    """Pictures count against limits of their own: one page view asks for several, and
    they must not use up the page's own allowance."""
    by_link = over_limit("patient-picture-link", token, settings.PATIENT_PICTURE_RATE)
    by_address = over_limit(
        "patient-picture-ip", client_ip(request) or "", settings.PATIENT_PICTURE_RATE
    )
    return by_link or by_address


def opened_by_link(view=None, *, limits=limited):
    """For a page under the patient's token: count the request against the ``limits``,
    then call ``view(request, link, token, ...)`` with the live link the token opens, or
    answer with the polite 429 or the one 404."""
    if view is None:
        return lambda view: opened_by_link(view, limits=limits)

    @wraps(view)
    def wrapped(request, token: str, **kwargs):
        if limits(request, token):
            return too_many(request)
        link = open_link(token)
        if link is None:
            return not_found(request)
        # The patient's days and times are their clinic's, as staff see them; the words
        # are in the patient's language (their record), whatever the browser asks.
        patient = link.patient
        with timezone.override(patient.clinic.zone), translation.override(patient.language):
            return view(request, link, token, **kwargs)

    return wrapped


def audit(action, target, link, request):
    AuditEvent.record(
        action, target, patient_link=link, clinic=link.patient.clinic, ip=client_ip(request)
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@opened_by_link
def patient_page(request, link, token: str):
    """The patient's programme as last issued, the PDF button, today's log, and the red
    flags (on every visit, with or without a programme)."""
    patient = link.patient
    handout = latest_handout(patient)
    today = clinic_today(patient)
    todays_log = patient.session_logs.filter(date=today).first()

    if request.method == "POST" and handout is not None:
        form = SessionLogForm(request.POST)
        if form.is_valid():
            log = log_for_today(
                patient, handout, pain=form.cleaned_data["pain"], note=form.cleaned_data["note"]
            )
            audit(AuditAction.CHANGED if todays_log else AuditAction.CREATED, log, link, request)
            if alert_for_log(log) is not None:
                return redirect("public:pain_check", token)
            messages.success(request, _("Thank you. Today's session is saved."))
            return redirect(request.path)
    else:  # a page view (a log posted before any handout was issued saves nothing)
        initial = {"pain": todays_log.pain, "note": todays_log.note} if todays_log else {}
        form = SessionLogForm(initial=initial)
        audit(AuditAction.VIEWED, handout or patient, link, request)

    snapshot = handout.snapshot if handout else {}
    return private(
        render(
            request,
            "patients/public/programme.html",
            {
                **safety_context(patient),
                "pain_alert": todays_open_alert(patient, today),
                "first_name": patient.first_name,
                "handout": handout,
                "programme": snapshot,
                "review_date": date_or_none(snapshot.get("review_date", "")),
                "exercises": snapshot.get("exercises", []),
                "exercises_cache_seconds": settings.PATIENT_EXERCISES_CACHE_SECONDS,
                "form": form,
                "todays_log": todays_log,
                "today": today,
                "reminders": reminder_box(patient, handout) if handout else None,
                "questions_due": sum(
                    questions_in(due, patient) for due in due_measures(patient, today)
                ),
            },
        )
    )


def safety_context(patient) -> dict:
    """The clinic's number and the stop box, as every patient page shows them. The box
    follows the patient's record as it is today, not the last handout's: a condition
    added since then shows at once."""
    return {
        "clinic": patient.clinic,
        "clinic_tel": tel_href(patient.clinic.phone),
        "stop_box": stop_box_lines(patient.conditions),
    }


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@opened_by_link
def pain_check(request, link, token: str):
    """After a pain score that needs an answer: stop, rest and call us, and the urgent
    questions. Any yes leads straight to the urgent page."""
    patient = link.patient
    alert = todays_open_alert(patient, clinic_today(patient))
    if alert is None:  # nothing to answer today, or the clinic has already acknowledged it
        return redirect("public:patient_page", token)
    context = safety_context(patient)
    form = UrgentChecklistForm(urgent_signs(context["stop_box"]), request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_answers(alert, form.cleaned_data)
        audit(AuditAction.CHANGED, alert, link, request)
        if alert.urgent:
            return redirect("public:urgent_help", token)
        messages.success(
            request, _("Thank you. Your answers are saved, and your therapist has been told.")
        )
        return redirect("public:patient_page", token)
    return private(
        render(
            request,
            "patients/public/pain_check.html",
            {**context, "alert": alert, "form": form},
        )
    )


@login_not_required
@never_cache
@require_safe
@opened_by_link
def urgent_help(request, link, token: str):
    """Get urgent medical help now: what an urgent answer leads to."""
    return private(
        render(request, "patients/public/urgent_help.html", safety_context(link.patient))
    )


@login_not_required
@require_safe
@opened_by_link
def patient_handout(request, link, token: str):
    """The newest issued handout's stored PDF, exactly as issued."""
    handout = latest_handout(link.patient)
    if handout is None:
        return not_found(request)
    try:
        pdf = handout.pdf.open("rb")
    except FileNotFoundError:  # gone from storage behind the app's back
        return not_found(request)
    audit(AuditAction.DOWNLOADED, handout, link, request)
    response = FileResponse(
        pdf,
        as_attachment=True,
        filename=handout_filename(handout),
        content_type="application/pdf",
    )
    return private(response)


@login_not_required
@require_safe
@opened_by_link(limits=pictures_limited)
def patient_picture(request, link, token: str, handout_id: int, number: int):
    """The picture of one exercise in one of the patient's issued handouts, as the page
    shows it. Not audited (the page view it belongs to is); a browser that has it is
    answered with a 304 from the database alone (``picture_response``)."""
    name, version = exercise_picture(link.patient, handout_id, number)
    if not name:
        return not_found(request)
    try:
        return picture_response(request, name, version=version)
    except Http404:
        return not_found(request)
