"""Admin pages for patients and their programmes: the therapist's prescribing tool.

A therapist opens a patient, starts a programme from a protocol (or from
scratch), then arranges its exercises and doses by dragging rows. Issued
handouts and patients' session logs are records to read, not to edit.
"""

from adminsortable2.admin import SortableAdminBase
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from exercises.admin import OrderedItemForm, OrderedItemFormSet, OrderedItemInline
from exercises.dosing import without_a_dose
from hipclinic.access import client_ip
from hipclinic.admin import (
    ClinicScopedAdmin,
    ClinicScopedInline,
    ReadOnly,
    SafeAutocompleteSelect,
)
from hipclinic.audit import audit
from hipclinic.jobs import start_job
from hipclinic.models import AuditAction, JobKind
from patients.cautions import CONFIRM_LABEL, confirmation, item_cautions
from patients.chart_numbers import ChartNumberTaken
from patients.forms import (
    ConditionsField,
    ExtendLinkForm,
    PrescriptionAdminForm,
    StartFromProtocolForm,
)
from patients.handouts import CannotIssue, issue_handout
from patients.links import LinkRefused, extend_link, revoke_link
from patients.models import (
    Alert,
    Handout,
    LinkState,
    MeasureSchedule,
    Patient,
    PatientLink,
    Prescription,
    PrescriptionItem,
    SessionLog,
)
from patients.prescribing import prescription_from_protocol
from patients.tasks import issue_handouts as issue_handouts_task


class PrescriptionSummaryInline(ReadOnly, ClinicScopedInline, admin.TabularInline):
    """The patient's programmes, listed on the patient's page; each opens in its own page."""

    model = Prescription
    fields = ["title", "status", "therapist", "start_date", "review_date", "revision"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = _("programmes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("therapist", "patient")


class AuditedChanges:
    """Every add, change and delete in the admin also writes an audit event (ids only).

    Hooks Django's own admin log calls, so bulk deletes are covered too.
    """

    def audit(self, request, obj, action):
        audit(request, action, obj)

    def log_addition(self, request, obj, message):
        self.audit(request, obj, AuditAction.CREATED)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self.audit(request, obj, AuditAction.CHANGED)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self.audit(request, obj, AuditAction.DELETED)
        return super().log_deletions(request, queryset)


class PatientAdminForm(forms.ModelForm):
    conditions = ConditionsField()

    class Meta:
        model = Patient
        fields = ["clinic"]  # the admin adds the rest from its fieldsets


@admin.register(Patient)
class PatientAdmin(AuditedChanges, ClinicScopedAdmin):
    form = PatientAdminForm
    list_display = [
        "chart_number",
        "last_name",
        "first_name",
        "condition",
        "primary_therapist",
        "is_active",
    ]
    list_display_links = ["chart_number", "last_name"]
    list_filter = ["is_active", ("primary_therapist", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["primary_therapist"]
    search_fields = ["chart_number", "first_name", "last_name", "email", "condition"]
    autocomplete_fields = ["primary_therapist"]
    fieldsets = [
        (None, {"fields": ["clinic", "chart_number", ("first_name", "last_name")]}),
        (_("Contact"), {"fields": ["date_of_birth", "email", "phone"]}),
        (_("Care"), {"fields": ["condition", "conditions", "notes", "primary_therapist"]}),
        (_("Handouts"), {"fields": ["language", "large_print", "paper_size"]}),
        (_("Status"), {"fields": ["is_active", "discharged_on"]}),
    ]
    inlines = [PrescriptionSummaryInline]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.clinic_id:
            initial.setdefault("primary_therapist", request.user.pk)
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ChartNumberTaken:
            # The chart number was taken while this form was being saved (Patient.save);
            # the save was rolled back. Checked again, the form now shows it as taken.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm("patients.add_prescription"):
            query = urlencode({"patient": object_id})
            from_protocol = reverse("admin:patients_prescription_from_protocol")
            extra_context["start_programme_url"] = f"{from_protocol}?{query}"
            blank = reverse("admin:patients_prescription_add")
            extra_context["new_programme_url"] = f"{blank}?{query}"
        return super().change_view(request, object_id, form_url, extra_context)


class PrescriptionItemForm(OrderedItemForm):
    """A programme's item in the admin, with the therapist's check of an exercise tagged
    with one of the patient's conditions (the rule: patients/cautions.py).

    The stored item's confirmation carries over while its exercise stays; ``user``, set by
    the inline for each request, is recorded when the therapist confirms now.
    """

    confirm = forms.BooleanField(required=False, label=CONFIRM_LABEL)
    user = None

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean(self):
        cleaned_data = super().clean()
        exercise = cleaned_data.get("exercise")
        # A new programme's patient is known once its own form is valid; until then the
        # whole page is refused anyway.
        patient = getattr(self.programme, "patient", None)
        if exercise is None or patient is None or cleaned_data.get("DELETE"):
            return cleaned_data
        # The instance still holds the stored exercise here; the form's values come later.
        earlier = self.instance if self.instance.pk else None
        try:
            values = confirmation(
                earlier, exercise, patient.conditions, cleaned_data.get("confirm"), self.user
            )
        except forms.ValidationError as error:
            self.add_error(None, error)  # the admin shows it across the whole row
        else:
            for name, value in values.items():
                setattr(self.instance, name, value)
        return cleaned_data


class PrescriptionItemFormSet(OrderedItemFormSet):
    def get_form_kwargs(self, index):
        """Each row knows its programme, saved or not, and so the patient's conditions."""
        return {**super().get_form_kwargs(index), "programme": self.instance}


class PrescriptionItemInline(OrderedItemInline):
    model = PrescriptionItem
    form = PrescriptionItemForm
    formset = PrescriptionItemFormSet
    # Right under the exercise, where the dose cannot push them out of sight; shown only
    # when the exercise asks for the therapist's check (static/hipclinic/admin.css).
    fields = ["exercise", ("cautions", "confirm"), *OrderedItemInline.fields[1:]]
    readonly_fields = [*OrderedItemInline.readonly_fields, "cautions"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("confirmed_by", "prescription__patient")
            .prefetch_related("exercise__contraindications")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user  # a form class made for this request alone
        return formset

    def reading_language(self, item) -> str:
        """A programme's dose as its patient reads it: in the patient's language."""
        return item.prescription.patient.language

    @admin.display(description=_("take care"))
    def cautions(self, item):
        """Staff only: the exercise's conditions this patient has, checked or still to check."""
        if item.pk is None:
            return ""
        return format_html_join(
            "",
            "<p>{}</p>",
            (
                (
                    render_to_string(
                        "patients/_checked_by.html",
                        {
                            "label": caution.label,
                            "who": item.confirmed_by,
                            "when": item.confirmed_at,
                        },
                    ).strip()
                    if caution.confirmed
                    else gettext("Needs confirming: %(condition)s. %(reason)s")
                    % {"condition": caution.label, "reason": caution.reason},
                )
                for caution in item_cautions(item)
            ),
        )


class HandoutInline(ReadOnly, ClinicScopedInline, admin.TabularInline):
    """Issued versions on the programme's page, each with its download link."""

    model = Handout
    fields = ["revision", "issued_at", "issued_by", "page_count", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("issued handouts")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issued_by").order_by("-revision")

    @admin.display(description=_("PDF"))
    def download(self, handout):
        if handout.pk is None:  # a blank row from tampered formset counts; nothing to fetch
            return "-"
        url = reverse("patients:download_handout", args=[handout.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            gettext("Download version %(version)s") % {"version": handout.revision},
        )


class MeasureScheduleInline(ReadOnly, ClinicScopedInline, admin.TabularInline):
    """The outcome measures the programme asks for, and when; attached and removed on the
    programme's page in the app (patients.views.measures)."""

    model = MeasureSchedule
    fields = ["measure", "every_weeks", "at_review", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("outcome measures (attached on the programme's page)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure", "created_by")


@admin.register(Prescription)
class PrescriptionAdmin(AuditedChanges, SortableAdminBase, SimpleHistoryAdmin, ClinicScopedAdmin):
    # Programme history (django-simple-history) is read-only: a past version is never
    # restored over the current one, which would skip the revision check. And it is
    # scoped like the programme itself: another clinic's history is a 404.
    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    form = PrescriptionAdminForm
    list_display = [
        "title",
        "patient",
        "therapist",
        "status",
        "exercise_count",
        "start_date",
        "review_date",
        "revision",
        "updated_at",
    ]
    list_filter = ["status", ("therapist", admin.RelatedOnlyFieldListFilter), "review_date"]
    list_select_related = ["patient", "therapist"]
    search_fields = ["title", "patient__chart_number", "patient__first_name", "patient__last_name"]
    autocomplete_fields = ["patient", "therapist"]
    fieldsets = [
        (None, {"fields": ["patient", "title", "therapist", "status"]}),
        (_("Dates"), {"fields": [("start_date", "review_date")]}),
        (_("For the patient"), {"fields": ["instructions"]}),
        (_("Edits"), {"fields": ["revision", "protocol", "seen_revision"]}),
    ]
    inlines = [PrescriptionItemInline, MeasureScheduleInline, HandoutInline]
    ordering = ["-updated_at", "-pk"]
    actions = ["issue_handouts"]

    def has_issue_permission(self, request):
        return request.user.has_perm("patients.add_handout")

    @admin.action(
        description=_("Issue handouts for the selected programmes"), permissions=["issue"]
    )
    def issue_handouts(self, request, queryset):
        """One programme is issued at once; more are issued by a background task."""
        programmes = list(queryset.select_related("patient__clinic").order_by("pk"))
        if not programmes:
            return  # ClinicScopedAdmin.response_action has said why
        if len(programmes) > 1:
            clinics = {programme.patient.clinic for programme in programmes}
            for clinic in sorted(clinics, key=lambda clinic: clinic.pk):
                ids = [p.pk for p in programmes if p.patient.clinic_id == clinic.pk]
                start_job(
                    JobKind.ISSUE_HANDOUTS,
                    clinic,
                    request.user,
                    issue_handouts_task,
                    ids,
                    total=len(ids),
                )
            self.message_user(
                request,
                gettext(
                    "Issuing %(count)s handouts in the background; “%(progress)s” shows how "
                    "far it has got."
                )
                % {"count": len(programmes), "progress": _("Handout and email progress")},
                messages.INFO,
            )
            return
        prescription = programmes[0]
        try:
            handout = issue_handout(prescription, request.user, ip=client_ip(request))
        except CannotIssue as error:
            self.message_user(
                request,
                gettext("Not issued “%(title)s”: %(error)s")
                % {"title": prescription.title, "error": error},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                gettext("Issued “%(title)s” version %(version)s.")
                % {"title": prescription.title, "version": handout.revision},
                messages.SUCCESS,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id.isdigit():
            extra_context["preview_handout_url"] = reverse(
                "patients:preview_handout", args=[object_id]
            )
            if self.has_issue_permission(request):
                extra_context["issue_handout_url"] = reverse(
                    "patients:issue_handout", args=[object_id]
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(exercise_count=Count("items"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Nothing will be saved from a view-only page; no revision to carry.
            return [
                (
                    name,
                    {**options, "fields": [f for f in options["fields"] if f != "seen_revision"]},
                )
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # A programme stays with the patient it was written for; its handouts name them.
        fixed = ["revision", "protocol"]
        return [*fixed, "patient"] if obj is not None else fixed

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.clinic_id:
            initial.setdefault("therapist", request.user.pk)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "therapist" and request.user.clinic_id:
            field.required = False
            field.help_text = _("Leave empty to prescribe as yourself.")
        return field

    @admin.display(description=_("exercises"), ordering="exercise_count")
    def exercise_count(self, prescription):
        return prescription.exercise_count

    def save_model(self, request, obj, form, change):
        if obj.therapist_id is None:
            obj.therapist = request.user
        if change:
            # The form's clean() locked the row for this transaction (optimistic locking),
            # so reading then writing the next revision cannot race.
            stored = Prescription.objects.filter(pk=obj.pk).values_list("revision", flat=True)
            obj.revision = stored.get() + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        missing = without_a_dose(form.instance.items.select_related("exercise"))
        if missing:
            self.message_user(
                request,
                gettext(
                    "Saved, but with no dose for %(exercises)s: the handout would print "
                    "no amount for it. Give it sets, repetitions, a hold or a time."
                )
                % {"exercises": ", ".join(missing)},
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_add_permission(request):
            extra_context["start_programme_url"] = reverse(
                "admin:patients_prescription_from_protocol"
            )
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "from-protocol/",
                self.admin_site.admin_view(self.from_protocol_view),
                name="patients_prescription_from_protocol",
            ),
            *super().get_urls(),
        ]

    def from_protocol_view(self, request):
        """Start a new draft programme for a patient from a protocol, then open it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        refuse_unknown_ids(request, StartFromProtocolForm, request.user)
        widgets = {
            name: SafeAutocompleteSelect(Prescription._meta.get_field(name), self.admin_site)
            for name in ("patient", "protocol", "therapist")
        }
        form = StartFromProtocolForm(
            data, user=request.user, widgets=widgets, initial=request.GET.dict()
        )
        if data is not None and form.is_valid():
            prescription = prescription_from_protocol(
                form.cleaned_data["patient"],
                form.cleaned_data["protocol"],
                form.cleaned_data["therapist"],
                title=form.cleaned_data["title"],
            )
            self.log_addition(request, prescription, [{"added": {}}])
            self.message_user(
                request,
                gettext(
                    "Started “%(programme)s” from “%(protocol)s”. "
                    "It is a draft: adjust the exercises and doses, then set it active."
                )
                % {"programme": prescription, "protocol": prescription.protocol},
                messages.SUCCESS,
            )
            return redirect("admin:patients_prescription_change", prescription.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Start a programme from a protocol"),
            "form": form,
            "media": form.media,
        }
        return TemplateResponse(request, "admin/patients/prescription/from_protocol.html", context)


def refuse_unknown_ids(request, form_class, user) -> None:
    """404 for a patient or protocol id the user may not see, as for one that does not exist."""
    choices = {"patient": form_class.patient_choices, "protocol": form_class.protocol_choices}
    for name, visible in choices.items():
        value = request.POST.get(name) or request.GET.get(name)
        if not value:
            continue
        try:
            found = visible(user).filter(pk=value).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404(gettext("No %(name)s with this ID.") % {"name": name})


@admin.register(Handout)
class HandoutAdmin(ReadOnly, ClinicScopedAdmin):
    """Issued handouts: what each patient was given, never rewritten."""

    list_display = ["__str__", "patient", "issued_by", "issued_at", "page_count"]
    list_select_related = ["prescription__patient", "issued_by"]
    list_filter = [("issued_by", admin.RelatedOnlyFieldListFilter), "issued_at"]
    search_fields = [
        "prescription__title",
        "prescription__patient__chart_number",
        "prescription__patient__last_name",
    ]
    date_hierarchy = "issued_at"
    fields = ["prescription", "revision", "issued_by", "issued_at", "page_count", "sha256"]
    readonly_fields = fields

    @admin.display(description=_("patient"), ordering="prescription__patient__last_name")
    def patient(self, handout):
        return handout.prescription.patient


class LinkStatusFilter(admin.SimpleListFilter):
    """The links in one LinkState, worked out in the database as the app works it out."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return LinkState.choices

    def queryset(self, request, queryset):
        if self.value() in LinkState.values:
            return queryset.with_state().filter(state=self.value())
        return queryset


@admin.register(PatientLink)
class PatientLinkAdmin(ReadOnly, ClinicScopedAdmin):
    """Private patient links: see their use, extend or revoke them.

    Nothing here is edited as a form: a link changes only through patients.links
    (the "extend" and "revoke" actions, also offered as buttons on a link's page),
    which keeps the rules and audits each change. Links are created on the
    patient's page in the app (or by issuing a handout), never here; the admin
    shows neither the token nor its seed.
    """

    change_form_template = "admin/patients/patientlink/change_form.html"
    list_display = [
        "patient",
        "created_by",
        "created_at",
        "expires_at",
        "status",
        "last_used",
        "uses",
    ]
    list_select_related = ["patient", "created_by"]
    list_filter = [LinkStatusFilter, "created_at"]
    search_fields = ["patient__chart_number", "patient__first_name", "patient__last_name"]
    fields = [
        "patient",
        "status",
        "expires_at",
        "revoked_at",
        "created_by",
        "created_at",
        "last_used",
        "uses",
    ]
    readonly_fields = fields
    actions = ["extend", "revoke"]

    def has_link_change_permission(self, request):
        return request.user.has_perm("patients.change_patientlink")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        link = self.get_object(request, unquote(object_id))
        may_change = self.has_link_change_permission(request) and link.revoked_at is None
        extra_context = {
            **(extra_context or {}),
            "max_link_days": settings.PATIENT_LINK_MAX_DAYS,
            "link_actions": [
                (name, label)
                for name, label, offered in [
                    ("extend", gettext("Extend this link"), link.can_be_extended),
                    ("revoke", gettext("Revoke this link"), True),
                ]
                if may_change and offered
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        # The state is there to order the list by; the uses come from the audit trail.
        return super().get_queryset(request).with_state().with_uses()

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, link):
        return link.last_used_at

    @admin.display(description=_("uses"), ordering="use_count")
    def uses(self, link):
        return link.use_count

    @admin.display(description=_("status"), ordering="state")
    def status(self, link):
        return link.state.label

    @admin.action(description=_("Revoke selected links"), permissions=["link_change"])
    def revoke(self, request, queryset):
        links = list(queryset.filter(revoked_at__isnull=True).select_related("patient__clinic"))
        for link in links:
            revoke_link(link, request.user, ip=client_ip(request))
        self.message_user(
            request,
            ngettext(
                "Revoked %(count)s patient link.", "Revoked %(count)s patient links.", len(links)
            )
            % {"count": len(links)},
        )

    @admin.action(description=_("Extend selected links"), permissions=["link_change"])
    def extend(self, request, queryset):
        """Asks for how many days from today, then extends each link that may be."""
        form = ExtendLinkForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Extend patient links"),
                "form": form,
                "links": queryset.select_related("patient"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "max_days": settings.PATIENT_LINK_MAX_DAYS,
            }
            return TemplateResponse(request, "admin/patients/patientlink/extend.html", context)
        extended = 0
        for link in queryset.select_related("patient__clinic"):
            try:
                extend_link(
                    link, request.user, days=form.cleaned_data["days"], ip=client_ip(request)
                )
            except LinkRefused as refusal:
                self.message_user(
                    request,
                    gettext("Not extended: %(link)s. %(why)s") % {"link": link, "why": refusal},
                    messages.ERROR,
                )
            else:
                extended += 1
        if extended:
            self.message_user(
                request,
                ngettext(
                    "Extended %(count)s patient link.",
                    "Extended %(count)s patient links.",
                    extended,
                )
                % {"count": extended},
                messages.SUCCESS,
            )


@admin.register(SessionLog)
class SessionLogAdmin(ClinicScopedAdmin):
    """Patients' own records of doing their programme, with pain scores."""

    list_display = ["date", "patient", "pain", "prescription", "note"]
    list_select_related = ["patient", "prescription__patient"]
    list_filter = ["date", "pain"]
    search_fields = ["patient__chart_number", "patient__first_name", "patient__last_name"]
    autocomplete_fields = ["patient", "prescription"]
    date_hierarchy = "date"


@admin.register(Alert)
class AlertAdmin(ReadOnly, ClinicScopedAdmin):
    """Pain scores and urgent answers that needed someone to act (patients.alerts); they are
    acknowledged from Today or the patient's record, where the note is shown too."""

    list_display = ["created_at", "patient", "urgent", "pain", "therapist", "acknowledged_by"]
    list_select_related = ["patient", "therapist", "acknowledged_by"]
    list_filter = ["urgent", ("acknowledged_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["patient__chart_number", "patient__last_name"]
    date_hierarchy = "created_at"
    fields = [
        "patient",
        "session_log",
        "reason",
        "pain",
        "earlier_median",
        "answers",
        "urgent",
        "therapist",
        "created_at",
        "acknowledged_by",
        "acknowledged_at",
    ]
    readonly_fields = fields
