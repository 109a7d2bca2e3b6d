"""Staff answers to alerts: open one from an email, acknowledge one."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hipclinic.access import client_ip, staff_required
from patients.alerts import acknowledge
from patients.models import Alert


def visible_alert(request, pk: int) -> Alert:
    return get_object_or_404(
        Alert.objects.visible_to(request.user).select_related("patient__clinic"), pk=pk
    )


@staff_required
@permission_required("patients.view_alert", raise_exception=True)
@require_safe
def alert_detail(request, pk: int):
    """Where an alert's email leads (after signing in): the alert on the patient's record."""
    alert = visible_alert(request, pk)
    return redirect(f"{record_url(alert)}#alert-{alert.pk}")


def record_url(alert: Alert) -> str:
    return reverse("patients:patient_detail", args=[alert.patient_id])


@staff_required
@permission_required("patients.change_alert", raise_exception=True)
@require_POST
def alert_acknowledge(request, pk: int):
    """Record who has seen the alert and when; back to the page the button was on."""
    alert = visible_alert(request, pk)
    if acknowledge(alert, request.user, ip=client_ip(request)):
        messages.success(
            request, _("Alert for %(name)s acknowledged.") % {"name": alert.patient.full_name}
        )
    else:
        messages.info(request, _("Someone has already acknowledged this alert."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = record_url(alert)
    return redirect(back)
