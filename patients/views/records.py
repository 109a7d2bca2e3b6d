"""The therapist's day: the Today dashboard and patient records."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from hipclinic.access import staff_required
from hipclinic.paging import paginate
from patients.models import Patient


@staff_required
@require_safe
def today(request):
    """The therapist's start page: their active patients."""
    my_patients = Patient.objects.visible_to(request.user).filter(
        primary_therapist=request.user, is_active=True
    )
    return render(request, "patients/today.html", {"my_patients": my_patients})


@staff_required
@require_safe
def patient_list(request):
    """Every patient of the clinic, a page at a time."""
    patients = Patient.objects.visible_to(request.user).select_related("primary_therapist")
    return render(request, "patients/patient_list.html", paginate(request, patients))
