"""hipclinic's admin site: Django's, with a "view on site" redirect that checks its ids,
and pickers whose answers carry what the picked row's own admin adds.

Django's redirect (``contenttypes.views.shortcut``, at ``/admin/r/<type>/<id>/``) looks
the id up as given. For a model with UUID keys (the task queue's results) an id that is
no UUID raises ValidationError, a server error instead of a 404 (Django's ticket #36267,
fixed for 6.0, not in the 5.2 we run). Here the id is checked against the model's key first, and a
row the user may not see is a 404 too, as everywhere else in the admin.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hipclinic.fields import checked_id


def view_on_site(request, content_type_id: int, object_id: str):
    """Django's redirect to a row's own page, for ids that can be keys of rows the user sees."""
    content_type = ContentType.objects.filter(pk=checked_id(ContentType, content_type_id)).first()
    model = content_type.model_class() if content_type else None
    pk = checked_id(model, object_id) if model else None
    if pk is not None and hasattr(model, "clinic_lookup"):
        visible = model._default_manager.visible_to(request.user)
        pk = pk if visible.filter(pk=pk).exists() else None
    if pk is None:
        raise Http404(gettext("No such object."))
    return shortcut(request, content_type_id, object_id)


class AutocompleteWithDetails(AutocompleteJsonView):
    """Django's picker answers, each with what the picked model's admin adds through an
    ``autocomplete_details(row)`` method, if it has one (an exercise's usual dose)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        details = getattr(self.model_admin, "autocomplete_details", None)
        return {**result, **details(obj)} if details else result


class ClinicAdminSite(admin.AdminSite):
    site_header = "hipclinic"
    site_title = _("hipclinic admin")
    index_title = _("Clinic records and home programmes")

    def get_app_list(self, request, app_label=None):
        """Django's list of models, each under the name its admin gives staff (``listed_as``)
        where the model's own verbose name is a developer's word."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for entry in app["models"]:
                entry["name"] = (
                    getattr(self._registry.get(entry["model"]), "listed_as", None) or entry["name"]
                )
        return app_list

    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        """The admin has no sign-in of its own: /admin/login/ sends to the app's, which asks
        for the second factor too (hipclinic.two_factor), so nothing gets round it."""
        going = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(going)

    def password_change(self, request, extra_context=None):
        """The admin's "Change password" is the security page's (hipclinic.passwords): the
        old password counted as a sign-in attempt, the other sessions ended, the change
        audited."""
        return redirect("password_change")

    def password_change_done(self, request, extra_context=None):
        return redirect("account_security")

    def autocomplete_view(self, request):
        return AutocompleteWithDetails.as_view(admin_site=self)(request)

    def get_urls(self):
        checked = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(view_on_site),
            name="view_on_site",
        )
        return [
            checked if getattr(url, "name", None) == "view_on_site" else url
            for url in super().get_urls()
        ]
