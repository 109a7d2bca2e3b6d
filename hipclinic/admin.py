"""The admin's shared rules, and the admin pages for clinics, staff and the audit trail.

Every ModelAdmin and inline in hipclinic derives from ``ClinicScopedAdmin`` or
``ClinicScopedInline``, so clinic scoping is decided once, here, on top of
``Model.objects.visible_to(user)`` (hipclinic.scoping):

- change lists, change/delete/history pages and autocomplete answers only ever
  see rows visible to the user; anything else is a 404, the same answer as for
  an id that does not exist;
- every foreign key or many-to-many choice to a clinic-scoped model is limited
  the same way, so posting another clinic's id fails form validation;
- staff never choose a record's clinic: the field shows their own clinic and the
  record is saved with it;
- shared-library rows (clinic left empty) are visible and pickable by staff but
  only platform admins (superusers) change them.

Ordered items (protocol and programme items) share ``exercises.admin.OrderedItemInline``.
"""

import base64
import copy
import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from hipclinic.audit import audit
from hipclinic.auth import put_in_role_group
from hipclinic.fields import CheckedModelMultipleChoiceField, checked_id, is_valid_id
from hipclinic.models import AuditAction, AuditEvent, BackgroundJob, Clinic, User
from hipclinic.signals import branding_change_proposed, branding_changed


def is_clinic_scoped(model) -> bool:
    return hasattr(model, "clinic_lookup")


def has_own_clinic_field(model) -> bool:
    """True for models that name their clinic directly (``clinic`` foreign key)."""
    return getattr(model, "clinic_lookup", None) == "clinic"


def clinic_id_of(obj) -> tuple[bool, int | None]:
    """``(known, clinic_id)`` for a row, following its model's ``clinic_lookup``.

    ``known`` is False while a relation on the way is still unset (an unsaved
    prescription without a patient); a known ``None`` means the shared library.
    """
    *path, last = obj.clinic_lookup.split("__")
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return False, None
    if last == "pk":
        return True, obj.pk
    return True, getattr(obj, f"{last}_id")


def is_shared_library_row(obj) -> bool:
    """A library row every clinic uses: a shared-library model's row without a clinic."""
    return (
        obj is not None
        and getattr(obj, "shared_library", False)
        and has_own_clinic_field(type(obj))
        and obj.clinic_id is None
    )


class ValidSelectionOnly:
    """Django's autocomplete widgets look the posted value up to show it again, and a
    value that is no id at all ('abc') makes that lookup raise: a server error instead
    of the form's own "Select a valid choice". Such values are simply not shown."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model
        valid = [item for item in value if is_valid_id(target, item)]
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(ValidSelectionOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidSelectionOnly, AutocompleteSelectMultiple):
    pass


class ClinicScoping:
    """Scoping shared by ClinicScopedAdmin and ClinicScopedInline."""

    def autocomplete_widget(self, db_field, request, kwargs, widget_class) -> None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = widget_class(db_field, self.admin_site, using=kwargs.get("using"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_clinic_scoped(self.model):
            queryset = queryset.visible_to(request.user)
        return queryset

    def scoped_choices(self, db_field, request, queryset=None, using=None):
        """Choices for a relation: only rows the user may see, when the target is clinic-scoped."""
        related = db_field.remote_field.model
        if queryset is None:
            queryset = self.get_field_queryset(using, db_field, request)
        if queryset is None:
            queryset = related._default_manager.all()
        if is_clinic_scoped(related):
            queryset = queryset.visible_to(request.user)
        return queryset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            # A red cross beside a picker reads as "remove this choice", yet deletes the
            # chosen exercise, patient or colleague itself.
            field.widget.can_delete_related = False
        if isinstance(db_field, models.SlugField) and field is not None:
            field.label = _("Web name")
            field.help_text = _("The name in web addresses, filled in from the name.")
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.scoped_choices(
            db_field, request, kwargs.get("queryset"), kwargs.get("using")
        )
        self.autocomplete_widget(db_field, request, kwargs, SafeAutocompleteSelect)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "clinic" and not request.user.is_superuser:
            # Staff records always belong to their own clinic; what is posted is ignored.
            field.disabled = True
            field.required = False
            field.initial = request.user.clinic_id
            field.empty_label = None
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self.scoped_choices(
            db_field, request, kwargs.get("queryset"), kwargs.get("using")
        )
        self.autocomplete_widget(db_field, request, kwargs, SafeAutocompleteSelectMultiple)
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def without_fields(fieldsets, hidden: set[str]) -> list:
    """``fieldsets`` with the ``hidden`` fields left out (and any section left empty)."""
    shown = []
    for name, options in fieldsets:
        lines = []
        for line in options["fields"]:
            if isinstance(line, list | tuple):
                line = tuple(field for field in line if field not in hidden)
                if line:
                    lines.append(line if len(line) > 1 else line[0])
            elif line not in hidden:
                lines.append(line)
        if lines:
            shown.append((name, {**options, "fields": lines}))
    return shown


class ClinicScopedAdmin(ClinicScoping, admin.ModelAdmin):
    """A ModelAdmin that shows each user their own clinic's rows (all rows to superusers)."""

    list_per_page = 50
    # Fields that say nothing to staff on a page they cannot change (a shared exercise, a
    # muscle): its web name, say. Platform admins see everything.
    hidden_from_staff_when_read_only = ("slug",)

    def hidden_from(self, request, obj=None) -> set[str]:
        """The fields a page leaves out for this user. Staff never choose a record's clinic
        (it is saved with theirs), so the clinic is not shown to them at all."""
        if request.user.is_superuser:
            return set()
        hidden = {"clinic"} if has_own_clinic_field(self.model) else set()
        read_only = obj is not None and not self.has_change_permission(request, obj)
        for name in self.hidden_from_staff_when_read_only:
            if read_only or name in self.get_readonly_fields(request, obj):
                hidden.add(name)
        return hidden

    def get_fieldsets(self, request, obj=None):
        return without_fields(super().get_fieldsets(request, obj), self.hidden_from(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = kwargs.get("fields")
        if fields is None and self.fieldsets:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None and has_own_clinic_field(self.model) and "clinic" not in fields:
            # Still in the form, unseen: a disabled field keeps the user's own clinic
            # whatever is posted, and the form's checks can read it.
            kwargs["fields"] = [*fields, "clinic"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        # Django redirects to the index with a message for a missing object; for
        # a row of another clinic that would still confirm the id exists. A 404
        # for both says nothing.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(gettext("No %(name)s with this ID.") % {"name": self.opts.verbose_name})
        return obj

    def response_action(self, request, queryset):
        """Run an admin action on the selected rows the user can see, and say what was left out.

        The posted ids are the browser's word: one that is no id at all ('abc', a number
        past the column's range) would make Django's lookup raise, and one of a row that
        is gone or belongs to another clinic would reach the action as nothing at all.
        Both are dropped here, once for every action, with a message saying how many.
        """
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        ids = {checked_id(self.model, value) for value in selected} - {None}
        found = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
        kept = [value for value in selected if checked_id(self.model, value) in found]
        if len(kept) < len(selected):
            missing = len(selected) - len(kept)
            name = self.opts.verbose_name if missing == 1 else self.opts.verbose_name_plural
            self.message_user(
                request,
                gettext(
                    "Left out %(count)s selected %(name)s that could not be found "
                    "(removed, or not in your clinic)."
                )
                % {"count": missing, "name": name},
                messages.WARNING,
            )
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, kept)
        return super().response_action(request, queryset)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if has_own_clinic_field(self.model) and not request.user.is_superuser:
            initial["clinic"] = request.user.clinic_id
        return initial

    def get_list_display(self, request):
        list_display = list(super().get_list_display(request))
        if request.user.is_superuser and has_own_clinic_field(self.model):
            list_display.append("clinic")
        return list_display

    def get_list_filter(self, request):
        list_filter = list(super().get_list_filter(request))
        if request.user.is_superuser and has_own_clinic_field(self.model):
            list_filter.append(("clinic", admin.RelatedOnlyFieldListFilter))
        return list_filter

    def get_list_select_related(self, request):
        select_related = super().get_list_select_related(request)
        if request.user.is_superuser and has_own_clinic_field(self.model):
            if select_related is True:
                return True
            return [*(select_related or ()), "clinic"]
        return select_related

    def has_change_permission(self, request, obj=None):
        if is_shared_library_row(obj) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_shared_library_row(obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if has_own_clinic_field(self.model) and not request.user.is_superuser:
            obj.clinic_id = request.user.clinic_id
        super().save_model(request, obj, form, change)


class ReadOnly:
    """Rows the system writes (issued handouts, background jobs, the audit trail): staff
    with the view permission read them in the admin; nobody adds, changes or deletes
    them there. For model admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParentRowsOnly:
    """Formset rows are identified only among the parent's own rows.

    Django checks a posted row id against every row of the model and then quietly
    ignores one belonging to another parent; this refuses it with a form error.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self.model._meta.pk.name
        if pk_name in form.fields:
            form.fields[pk_name].queryset = self.get_queryset()


class ScopedInlineFormSet(ParentRowsOnly, BaseInlineFormSet):
    pass


class ClinicScopedInline(ClinicScoping):
    """Inline counterpart of ClinicScopedAdmin: a shared-library parent is read-only to staff."""

    formset = ScopedInlineFormSet

    def parent_is_read_only(self, request, obj) -> bool:
        return is_shared_library_row(obj) and not request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return not self.parent_is_read_only(request, obj) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return not self.parent_is_read_only(request, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not self.parent_is_read_only(request, obj) and super().has_delete_permission(
            request, obj
        )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ClinicAdminForm(forms.ModelForm):
    # A choice from the list the server knows, never a name typed with a slip in it (an
    # unknown name would quietly make "today" UTC's).
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_(
            "Decides when a day starts and ends for the clinic's patients: their "
            "logs, reminders and handout dates."
        ),
    )

    class Meta:
        model = Clinic
        fields = ["name"]  # the admin adds the rest from its fieldsets


# A branding change is saved only from the page that asked about it (the form posted
# again with this name), and a new logo comes back with it in NEW_LOGO, as base64.
CONFIRMED = "_branding_confirmed"
NEW_LOGO = "_new_logo"


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    """Managers keep their own clinic's details; only platform admins add or remove clinics.

    Changing what a handout's heading prints (Clinic.HANDOUT_HEADING) issues the current
    handouts again (hipclinic.signals); the page says how many first and saves nothing
    until the manager confirms.
    """

    form = ClinicAdminForm
    list_display = ["name", "phone", "email", "paper_size"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "timezone", "language"]}),
        (_("Contact"), {"fields": ["address", "phone", "email", "website"]}),
        (_("Handouts"), {"fields": ["logo", "paper_size", "handout_footer"]}),
        (
            _("Pain alerts and reminders"),
            {"fields": ["alert_pain_at", "alert_pain_rise", "alert_emails", "nudge_after_days"]},
        ),
        (_("Sign-in"), {"fields": ["require_two_factor"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The slug names the clinic in URLs and seeds; changing it is a platform job.
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            if CONFIRMED in request.POST:
                with_logo_posted_again(request)
            else:
                question = self.ask_about_branding(request, object_id)
                if question is not None:
                    return question
        return super().changeform_view(request, object_id, form_url, extra_context)

    def ask_about_branding(self, request, object_id) -> TemplateResponse | None:
        """The page asking before a branding change is saved, or None when there is nothing
        to ask (the form is refused, or the change reaches no handout): then the change
        view carries on as usual."""
        clinic = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, clinic):
            return None
        form_class = self.get_form(
            request, clinic, change=True, fields=flatten_fieldsets(self.get_fieldsets(request))
        )
        # The form changes the instance it checks; the page names the clinic as saved.
        form = form_class(request.POST, request.FILES, instance=copy.copy(clinic))
        valid = form.is_valid()
        for upload in request.FILES.values():
            upload.seek(0)  # read again when the change view checks the form
        if not valid or not Clinic.BRANDING_FIELDS & set(form.changed_data):
            return None
        answers = branding_change_proposed.send(sender=Clinic, clinic=form.instance)
        sentences = [sentence for _receiver, sentence in answers if sentence]
        if not sentences:
            return None
        logo = request.FILES.get("logo")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": clinic,
            "title": gettext("Save the new handout heading?"),
            "sentences": sentences,
            "changed": [
                form.fields[name].label
                for name in form.changed_data
                if name in Clinic.BRANDING_FIELDS
            ],
            "posted": [
                (name, value)
                for name, values in request.POST.lists()
                if name != "csrfmiddlewaretoken"
                for value in values
            ],
            "new_logo": logo
            and {
                "name": logo.name,
                "content_type": logo.content_type,
                "data": base64.b64encode(logo.read()).decode(),
            },
            "confirmed": CONFIRMED,
            "new_logo_field": NEW_LOGO,
        }
        return TemplateResponse(request, "admin/hipclinic/clinic/confirm_branding.html", context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and Clinic.BRANDING_FIELDS & set(form.changed_data):
            answers = branding_changed.send(sender=Clinic, clinic=obj, user=request.user)
            for _receiver, sentence in answers:
                if sentence:
                    self.message_user(request, sentence, messages.INFO)


def with_logo_posted_again(request) -> None:
    """Put a logo carried by the confirmation page back among the request's files, where
    the form checks it as it checks any upload."""
    data = request.POST.get(f"{NEW_LOGO}-data")
    if not data or "logo" in request.FILES:
        return
    try:
        content = base64.b64decode(data, validate=True)
    except ValueError:
        return  # not a file the page sent; the form goes on without a new logo
    upload = SimpleUploadedFile(
        request.POST.get(f"{NEW_LOGO}-name", "logo"),
        content,
        content_type=request.POST.get(f"{NEW_LOGO}-content_type", ""),
    )
    files = MultiValueDict(dict(request.FILES.lists()))
    files["logo"] = upload
    request._files = files  # Django's request has no setter for its files


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnly, ClinicScopedAdmin):
    """Work the clinic asked for that runs on its own after the page answered (issuing many
    handouts, issuing them again after a branding change, emailing a link), to read only.

    Listed to staff as "Handout and email progress" (``listed_as``), the model's
    verbose name being a developer's word.
    """

    listed_as = _("Handout and email progress")
    explained = _(
        "Issuing handouts for several programmes at once, issuing current handouts again "
        "after the clinic's details change, and emailing a patient their link carry on "
        "after the page has answered. Each shows here: what was asked, by whom, how far it "
        "has got and how it ended."
    )
    change_list_template = "admin/hipclinic/backgroundjob/change_list.html"
    change_form_template = "admin/hipclinic/backgroundjob/change_form.html"
    list_display = ["created_at", "kind", "status", "progress", "summary", "requested_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["requested_by"]
    fields = [
        "kind",
        "status",
        "progress",
        "summary",
        "requested_by",
        "created_at",
        "finished_at",
        "task_id",
    ]
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        # The task's id names it in the task queue, which only platform admins see.
        fields = super().get_fields(request, obj)
        return fields if request.user.is_superuser else [f for f in fields if f != "task_id"]

    def changelist_view(self, request, extra_context=None):
        context = {"title": self.listed_as, "listed_as": self.listed_as}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            "listed_as": self.listed_as,
            "title": gettext("What was asked, and how far it got"),
        }
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    @admin.display(description=_("progress"))
    def progress(self, job: BackgroundJob) -> str:
        if not job.total:
            return str(job.done)
        return gettext("%(done)s of %(total)s") % {"done": job.done, "total": job.total}


def kept_for_the_audit_trail(users) -> str:
    """Why these accounts cannot be deleted, and what to do instead."""
    names = ", ".join(sorted(user.username for user in users))
    return gettext(
        "Not deleted: %(names)s. The audit trail records what they did, so their accounts "
        "are kept. Deactivate them instead: they can then no longer sign in."
    ) % {"names": names}


@admin.register(User)
class UserAdmin(ClinicScopedAdmin, DjangoUserAdmin):
    """Staff accounts. Managers add and change their own clinic's therapists and managers,
    but never grant platform-admin rights, permissions, groups or another clinic.

    An account that acts in the audit trail is deactivated, never deleted (the
    models refuse too: AuditEvent.actor is protected), so the trail keeps who did
    what; only an account that never did anything can be deleted.
    """

    list_display = ["username", "display_name", "role", "email", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    ordering = ["display_name", "username"]
    actions = ["deactivate", "delete_selected"]

    personal = (
        _("Personal info"),
        {"fields": ["first_name", "last_name", "display_name", "credentials", "email", "language"]},
    )
    dates = (_("Important dates"), {"fields": ["last_login", "date_joined"]})
    platform_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        personal,
        (_("Clinic"), {"fields": ["clinic", "role"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        dates,
    ]
    # No password here: a manager never sets or sees a colleague's (issue 22); colleagues
    # join through an invitation and choose their own.
    clinic_fieldsets = [
        (None, {"fields": ["username"]}),
        personal,
        (_("Clinic"), {"fields": ["clinic", "role", "is_active"]}),
        dates,
    ]
    new_user_fields = ["username", "usable_password", "password1", "password2"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": new_user_fields}),
        (_("Clinic"), {"fields": ["clinic", "role", "display_name", "credentials", "email"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fieldsets = self.add_fieldsets
        elif request.user.is_superuser:
            fieldsets = self.platform_fieldsets
        else:
            fieldsets = self.clinic_fieldsets
        return without_fields(fieldsets, self.hidden_from(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["last_login", "date_joined"]

    def has_add_permission(self, request):
        """Platform admins add accounts here; a manager invites (hipclinic.invitations), so
        the colleague chooses their own password."""
        return request.user.is_superuser and super().has_add_permission(request)

    def user_change_password(self, request, id, form_url=""):
        """Setting another user's password is for platform admins only; anyone may set
        their own. Another clinic's account is a 404 as everywhere in the admin."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404(gettext("No such user."))
        if not request.user.is_superuser and user.pk != request.user.pk:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if request.user.is_superuser:
            list_filter = [*list_filter, "is_staff", "is_superuser"]
        return list_filter

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The groups field (platform admins only) must not undo the role's group.
        put_in_role_group(User, form.instance)

    def save_model(self, request, obj, form, change):
        if not change and (obj.clinic_id or not request.user.is_superuser):
            # A clinic's account exists to sign in here.
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.audit_events.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user.audit_events.exists() and super().has_delete_permission(request, user):
            self.message_user(request, kept_for_the_audit_trail([user]), messages.ERROR)
            return redirect("admin:hipclinic_user_change", user.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(description=_("Delete selected users"), permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's delete, refused for the whole selection if anyone in it has audit events."""
        kept = queryset.filter(audit_events__isnull=False).distinct()
        if kept:
            self.message_user(request, kept_for_the_audit_trail(kept), messages.ERROR)
            return None
        return delete_selected(self, request, queryset)

    @admin.action(
        description=_("Deactivate selected users (they can no longer sign in)"),
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        """Close the accounts, keeping them for the audit trail. An open session ends with
        its next request (Django's backend refuses an inactive user)."""
        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit(request, AuditAction.CHANGED, user)
        self.message_user(
            request,
            ngettext("Deactivated %(count)s user.", "Deactivated %(count)s users.", len(users))
            % {"count": len(users)},
            messages.SUCCESS,
        )
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, gettext("Your own account stays active."), messages.WARNING)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, ClinicScopedAdmin):
    """The audit trail, to read only: nobody adds, edits or removes an event."""

    list_display = ["created_at", "actor", "action", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "target_type", ("actor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor"]
    search_fields = ["target_type", "target_id", "actor__username", "actor__display_name"]
    date_hierarchy = "created_at"


# Two-factor devices (app, recovery codes, passkeys): hipclinic/device_admin.py.
from hipclinic import device_admin  # noqa: E402, F401
