"""The exercise library and the clinic's protocols, as therapists browse them."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from exercises.models import Exercise, Protocol
from hipclinic.access import staff_required
from hipclinic.paging import paginate


@staff_required
@require_safe
def exercise_list(request):
    """The shared library and the clinic's own exercises."""
    exercises = Exercise.objects.visible_to(request.user).active()
    return render(request, "exercises/exercise_list.html", paginate(request, exercises))


@staff_required
@require_safe
def protocol_list(request):
    """Programme templates: the shared library's and the clinic's own."""
    protocols = Protocol.objects.visible_to(request.user).filter(archived=False)
    return render(request, "exercises/protocol_list.html", paginate(request, protocols))
