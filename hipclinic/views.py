"""Site-wide views that belong to no app: the health check, a liveness ping, the clinic's
logo, a staff user's choice of language and the JavaScript's words in it."""

import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import JavaScriptCatalog

from hipclinic.access import staff_required
from hipclinic.files import picture_response
from hipclinic.forms import LanguageForm
from hipclinic.models import Clinic
from hipclinic.unsaved_work import is_path_on_this_site


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 when the database answers and storage takes a write; 503 otherwise. No data, no login.

    The answer says only "ok" or "unavailable", so a load balancer can poll it from
    anywhere without learning anything about the clinic.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}", ContentFile(b"ok"))
        default_storage.delete(name)
    except Exception:  # each storage fails its own way: OSError on disk, boto3's on S3
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def ping(request):
    """ "pong", touching nothing: says the process answers (liveness, where /healthz is
    readiness), and is the trivial view `make loadtest` measures as the framework's
    ceiling on this machine."""
    return HttpResponse("pong", content_type="text/plain")


@staff_required
@require_safe
def clinic_logo(request, pk: int):
    """The clinic's logo, for its own staff (and platform admins); 404 for anyone else's."""
    clinic = get_object_or_404(Clinic.objects.visible_to(request.user), pk=pk)
    return picture_response(request, clinic.logo.name)


@staff_required
@require_POST
def choose_language(request):
    """Keep the language chosen in the menu on the user's account, then show the page they
    were on again, now in that language (a path on this site only)."""
    form = LanguageForm(request.POST, instance=request.user)
    if form.is_valid():
        form.save()
    back = request.POST.get("next", "")
    return redirect(back if is_path_on_this_site(request, back) else "patients:today")


# The words our JavaScript shows (gettext() in static/), in the reader's language: a script
# file (the Content-Security-Policy refuses inline scripts) that base.html loads before the
# page's own, its address naming the page's language (?language=es) so that a browser keeps
# one copy per language, for an hour: a change of language takes effect at once, a new
# translation within the hour. Open to all: it holds the app's wording, nobody's data.
javascript_catalog = login_not_required(
    cache_control(private=True, max_age=3600)(JavaScriptCatalog.as_view())
)
