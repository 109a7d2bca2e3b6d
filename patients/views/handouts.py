"""Handout views for staff: preview a draft, issue a version, download an issued one.

The admin and the therapist's programme page both link here.
Every lookup goes through ``visible_to(request.user)``, so another clinic's
programme or handout is a 404 like one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hipclinic.access import client_ip, staff_required
from hipclinic.audit import audit
from hipclinic.models import AuditAction
from patients.handout_choices import HandoutChoiceForm
from patients.handouts import CannotIssue, handout_filename, issue_handout, render_handout
from patients.models import Handout, Prescription, PrescriptionStatus


def visible_prescription(request, pk: int) -> Prescription:
    prescriptions = Prescription.objects.visible_to(request.user).select_related(
        "patient__clinic", "therapist"
    )
    return get_object_or_404(prescriptions, pk=pk)


@staff_required
@require_safe
def download_handout(request, pk: int):
    """The stored PDF of an issued handout, exactly as issued; never rendered again."""
    handout = get_object_or_404(
        Handout.objects.visible_to(request.user).select_related("prescription__patient__clinic"),
        pk=pk,
    )
    audit(request, AuditAction.DOWNLOADED, handout)
    etag = f'"{handout.sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return not_modified
    try:
        pdf = handout.pdf.open("rb")
    except FileNotFoundError:
        # Gone from storage behind the app's back: the same 404 as a missing picture.
        raise Http404("No file.") from None
    response = FileResponse(
        pdf,
        as_attachment=True,
        filename=handout_filename(handout),
        content_type="application/pdf",
    )
    response["ETag"] = etag
    # Browsers may keep a copy for this user but must ask again before reusing it.
    response["Cache-Control"] = "private, no-cache"
    return response


def handout_choice(request, prescription: Prescription) -> dict | None:
    """The layout, paper and print size asked for, as keyword arguments for rendering and
    issuing; {} (the patient's and the clinic's defaults) when nothing is asked, as from
    the admin's buttons; None when the choice is not one the form offers."""
    data = request.POST if request.method == "POST" else request.GET
    if "layout" not in data:
        return {}
    form = HandoutChoiceForm(prescription.patient, data)
    return form.choice() if form.is_valid() else None


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def preview_handout(request, pk: int):
    """The handout as the programme stands now, in the layout asked for, without issuing it.

    The programme page asks by POST (its one form also issues); the admin's link by GET.
    """
    prescription = visible_prescription(request, pk)
    choice = handout_choice(request, prescription)
    if choice is None:
        return HttpResponseBadRequest(gettext("Choose a layout and a paper size from the lists."))
    rendered = render_handout(prescription, **choice)
    audit(request, AuditAction.VIEWED, prescription)
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    language = rendered.snapshot["language"]
    response["Content-Disposition"] = f'inline; filename="handout-preview-{language}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@permission_required("patients.add_handout", raise_exception=True)
@require_POST
def issue_handout_view(request, pk: int):
    """Issue the programme's next handout version in the layout asked for, then go back
    where the user came from."""
    prescription = visible_prescription(request, pk)
    choice = handout_choice(request, prescription)
    try:
        if choice is None:
            raise CannotIssue(
                gettext("Not issued: choose a layout and a paper size from the lists.")
            )
        was_draft = prescription.status == PrescriptionStatus.DRAFT
        handout = issue_handout(prescription, request.user, ip=client_ip(request), **choice)
    except CannotIssue as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Issued handout version %(version)s: %(printed_as)s, %(pages)s page.",
                "Issued handout version %(version)s: %(printed_as)s, %(pages)s pages.",
                handout.page_count or 0,
            )
            % {
                "version": handout.revision,
                "printed_as": handout.printed_as,
                "pages": handout.page_count,
            },
        )
        if was_draft and prescription.status == PrescriptionStatus.ACTIVE:
            messages.info(
                request,
                gettext(
                    "The programme was a draft and is now Active: the patient has its handout."
                ),
            )
        in_english = [e["name"] for e in handout.snapshot["exercises"] if e.get("in_english")]
        if in_english:
            messages.warning(
                request,
                gettext("Printed in English, having no translation: %(names)s.")
                % {"names": ", ".join(in_english)},
            )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(reverse("admin:patients_prescription_change", args=[prescription.pk]))
