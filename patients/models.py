"""Patients, their home programmes, issued handouts, private links and session logs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from exercises.models import (
    Condition,
    Dose,
    Exercise,
    Protocol,
    check_conditions,
    dose_constraints,
)
from hipclinic.fields import limit_note, limited_text
from hipclinic.files import ServedFileField
from hipclinic.models import Clinic, PaperSize
from hipclinic.scoping import ClinicQuerySet
from patients import chart_numbers
from patients.chart_numbers import ChartNumberField
from patients.stop_box import URGENT_SIGNS


class Patient(models.Model):
    """A person the clinic treats. The chart number is unique within the clinic, compared in
    its normal form (patients.chart_numbers) and, when validated, ignoring case."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="patients", verbose_name=_("clinic")
    )
    chart_number = ChartNumberField(_("chart number"), max_length=40)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    notes = limited_text(2000, _("notes"), blank=True)
    conditions = models.JSONField(
        _("conditions to take care with"),
        default=list,
        blank=True,
        validators=[check_conditions],
        help_text=_("Exercises tagged with one of these ask you to confirm before you add them."),
    )
    primary_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_patients",
        verbose_name=_("primary therapist"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Handouts, the patient's page, emails and reminders use this language."),
    )
    large_print = models.BooleanField(_("large-print handouts"), default=False)
    paper_size = models.CharField(
        _("paper size"),
        max_length=10,
        choices=PaperSize.choices,
        blank=True,
        help_text=_("Leave empty to use the clinic's default."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Untick on discharge."))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    clinic_lookup = "clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [
            # Ignoring case, as the forms compare (chart_number_taken).
            models.UniqueConstraint(
                "clinic",
                Lower("chart_number"),
                name="patient_chart_number_unique_in_clinic_any_case",
                violation_error_message=chart_numbers.TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.chart_number})"

    def save(self, *args, **kwargs):
        """Save, answering a chart number taken meanwhile with the form's own error.

        Two people adding one chart number at the same moment both pass the forms'
        check; the database's constraint refuses the second. That refusal comes back
        as ChartNumberTaken, a ValidationError on ``chart_number`` for the app's form and
        the admin to show.
        """
        try:
            with transaction.atomic():  # a savepoint: an outer transaction stays usable
                super().save(*args, **kwargs)
        except IntegrityError:
            if self.chart_number_taken():
                raise chart_numbers.ChartNumberTaken from None
            raise

    def clean(self):
        # Here rather than in one form, so the app's form and the admin ask the same.
        if self.clinic_id is not None and self.chart_number and self.chart_number_taken():
            raise ValidationError({"chart_number": chart_numbers.TAKEN})

    def chart_number_taken(self) -> bool:
        """Whether another patient of this clinic has this patient's chart number, in normal
        form and ignoring case."""
        number = chart_numbers.normal_chart_number(self.chart_number)
        others = Patient.objects.filter(clinic_id=self.clinic_id, chart_number__iexact=number)
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        return others.exists()

    @property
    def condition_labels(self) -> list[str]:
        """The conditions to take care with, as the clinic names them."""
        return [str(Condition(condition).label) for condition in self.conditions]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def handout_paper_size(self) -> str:
        return self.paper_size or self.clinic.paper_size


class PrescriptionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Prescription(models.Model):
    """A home programme: ordered exercises with doses for one patient.

    Everything a person reads calls it a "programme" (its verbose names); the class and
    its table keep the clinical word for what a therapist writes, so no migration
    renames tables that backups, history and the audit trail (``patients.prescription``)
    name.

    ``revision`` goes up by one on every save, so two therapists editing the same
    programme cannot silently overwrite each other (optimistic locking).
    """

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="prescriptions", verbose_name=_("patient")
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="prescriptions",
        verbose_name=_("prescribing therapist"),
    )
    protocol = models.ForeignKey(
        Protocol,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prescriptions",
        verbose_name=_("protocol"),
        help_text=_("The template this programme started from, if any."),
    )
    title = models.CharField(_("title"), max_length=150)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PrescriptionStatus.choices,
        default=PrescriptionStatus.DRAFT,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    instructions = limited_text(
        4000,
        _("general instructions"),
        blank=True,
        help_text=_("Printed at the top of the handout."),
    )
    revision = models.PositiveIntegerField(_("times saved"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Who changed what, when: every save keeps a copy (django-simple-history).
    history = HistoricalRecords()

    clinic_lookup = "patient__clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(review_date__gte=F("start_date")),
                name="prescription_review_after_start",
                violation_error_message=_("The review date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.patient.full_name}"

    @property
    def clinic(self) -> Clinic:
        return self.patient.clinic


class PrescriptionItem(Dose):
    """One exercise in a programme, with this patient's dose and the therapist's note."""

    prescription = models.ForeignKey(
        Prescription, on_delete=models.CASCADE, related_name="items", verbose_name=_("programme")
    )
    exercise = models.ForeignKey(
        Exercise,
        on_delete=models.PROTECT,
        related_name="prescription_items",
        verbose_name=_("exercise"),
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    note = limited_text(1000, _("note for this patient"), blank=True)
    # A therapist's confirmation that this exercise is right for this patient despite
    # conditions it is tagged with; kept with the item, never printed for the patient.
    confirmed_conditions = models.JSONField(default=list, blank=True, validators=[check_conditions])
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    clinic_lookup = "prescription__patient__clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("programme exercise")
        verbose_name_plural = _("programme exercises")
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "order"], name="prescription_item_order_unique"
            ),
            *dose_constraints("prescriptionitem"),
        ]

    def __str__(self) -> str:
        return f"{self.order + 1}. {self.exercise.name}"


class Layout(models.TextChoices):
    """How a handout lays its exercises out (patients.handout_choices)."""

    FULL = "full", _("The full sheet: every exercise with its drawing and steps")
    SUMMARY = "summary", _("A summary: every exercise on one page, with its dose")
    SUMMARY_FULL = "summary_full", _("The summary, then the full sheet")


SHORT_LAYOUT = {
    Layout.FULL: _("Full sheet"),
    Layout.SUMMARY: _("Summary"),
    Layout.SUMMARY_FULL: _("Summary, then the full sheet"),
}


class Handout(models.Model):
    """An issued, immutable version of a programme: what the patient was given.

    The model and its field keep the word ``revision``; everything a person reads
    says "version".
    """

    prescription = models.ForeignKey(
        Prescription,
        on_delete=models.PROTECT,
        related_name="handouts",
        verbose_name=_("programme"),
    )
    revision = models.PositiveIntegerField(_("version"))
    pdf = ServedFileField(
        _("PDF"), upload_to="handouts/", blank=True, url_name="patients:download_handout"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveSmallIntegerField(_("page count"), null=True, blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="issued_handouts",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # The link the handout's QR code opens, so staff see which printed handouts stop
    # opening if it is revoked.
    patient_link = models.ForeignKey(
        "PatientLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handouts",
        verbose_name=_("link in its QR code"),
    )

    clinic_lookup = "prescription__patient__clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("handout")
        verbose_name_plural = _("handouts")
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "revision"], name="handout_revision_unique"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(title)s, version %(version)s") % {
            "title": self.prescription.title,
            "version": self.revision,
        }

    @property
    def printed_as(self) -> str:
        """The layout, paper, print size and language this version was issued in, as staff
        read it: "Summary, then the full sheet · A4 · large print · Spanish" (English, the
        language of versions from before languages, is not said). Versions issued before
        the choice existed printed the full sheet."""
        snapshot = self.snapshot or {}
        layout = Layout(snapshot.get("layout", Layout.FULL))
        parts = [
            str(SHORT_LAYOUT[layout]),
            str(PaperSize(snapshot.get("paper_size", PaperSize.A4)).label),
        ]
        if snapshot.get("large_print"):
            parts.append(gettext("large print"))
        if snapshot.get("language", "en") != "en":
            parts.append(str(get_language_info(snapshot["language"])["name_translated"]))
        return " · ".join(parts)


class LinkState(models.TextChoices):
    """Where a patient link stands today, the one answer the app, the admin and the
    patient's page share.

    A link opens only when nothing stops it; when several things do, its state names
    the one that lasts longest, in this order of precedence: revoked (it never opens
    again), then patient discharged (it opens again only if the patient is taken back
    into care, and it cannot be extended meanwhile), then expired (extending it opens
    it again). So the label never suggests a remedy that would be refused: an expired
    link of a discharged patient reads "Patient discharged", not "Expired".
    """

    OPEN = "open", _("Open")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    DISCHARGED = "discharged", _("Patient discharged")


class PatientLinkQuerySet(ClinicQuerySet):
    def with_state(self):
        """These links with their ``state`` (a LinkState) worked out in the database, to
        filter and order on; ``PatientLink.state`` is the same rule for one link in hand.

        The state is an alias, not a selected column: a link read from the database
        works out its own state from its fields, so it is never stale after a change.
        """
        return self.alias(
            state=Case(
                When(revoked_at__isnull=False, then=Value(LinkState.REVOKED)),
                When(patient__is_active=False, then=Value(LinkState.DISCHARGED)),
                When(expires_at__lte=timezone.now(), then=Value(LinkState.EXPIRED)),
                default=Value(LinkState.OPEN),
                output_field=models.CharField(),
            )
        )

    def live(self):
        """Links that open today: not revoked, not expired, for a patient still in care."""
        return self.with_state().filter(state=LinkState.OPEN)

    def with_uses(self):
        """These links with ``use_count`` and ``last_used_at``: how often and when last the
        patient used each, read from the audit events made under it (every page view,
        download, log and answer is one). Counting them here rather than on the link row
        keeps a patient's page view to one database write."""
        return self.annotate(
            use_count=models.Count("audit_events"),
            last_used_at=models.Max("audit_events__created_at"),
        )


class PatientLink(models.Model):
    """A private, expiring, revocable link to one patient's programme.

    The token in the link is an HMAC of a random ``token_seed`` under a server key
    (patients.links), and only its SHA-256 hash is stored: the database alone can
    neither give the token away nor be searched for it, yet the clinic can print
    the same link on every handout and email it again.
    """

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="links", verbose_name=_("patient")
    )
    token_seed = models.CharField(max_length=64, editable=False, default="")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_patient_links",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    clinic_lookup = "patient__clinic"

    objects = PatientLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("patient link")
        verbose_name_plural = _("patient links")

    def __str__(self) -> str:
        return gettext("Link for %(name)s, created %(date)s") % {
            "name": self.patient.full_name,
            "date": f"{self.created_at:%Y-%m-%d}",
        }

    @property
    def state(self) -> LinkState:
        """This link's LinkState now, by the rule ``PatientLinkQuerySet.with_state`` keeps
        in SQL (a test holds the two to the same answers). Reads ``patient``: select it
        with the links when listing many."""
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if not self.patient.is_active:
            return LinkState.DISCHARGED
        if self.expires_at <= timezone.now():
            return LinkState.EXPIRED
        return LinkState.OPEN

    @property
    def is_live(self) -> bool:
        return self.state == LinkState.OPEN

    @property
    def can_be_extended(self) -> bool:
        """Open or expired: a revoked link never opens again, and a discharged patient's
        stays shut (patients.links.extend_link refuses both, saying why)."""
        return self.state in {LinkState.OPEN, LinkState.EXPIRED}


class SessionLog(models.Model):
    """A patient's record of doing their programme on one day."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="session_logs", verbose_name=_("patient")
    )
    prescription = models.ForeignKey(
        Prescription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_logs",
        verbose_name=_("programme"),
    )
    date = models.DateField(_("date"))
    pain = models.PositiveSmallIntegerField(
        _("pain (0 to 10)"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True, help_text=limit_note(500))
    handout = models.ForeignKey(
        Handout,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_logs",
        verbose_name=_("handout"),
        help_text=_("The handout version the patient had when they logged."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    clinic_lookup = "patient__clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("session log")
        verbose_name_plural = _("session logs")
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="session_log_one_per_day"),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10),
                name="session_log_pain_0_to_10",
                violation_error_message=_("Pain is scored from 0 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient.full_name} on {self.date:%Y-%m-%d}"


class AlertReason(models.TextChoices):
    HIGH_PAIN = "high_pain", _("Pain at or above the clinic's alert score")
    PAIN_RISE = "pain_rise", _("Pain well above the patient's recent scores")


class Alert(models.Model):
    """A patient's log that needs a person to act: pain past the clinic's rules
    (patients.alerts), and any urgent answer to the checklist that followed.

    Holds ids, the pain score and the answers, never more: the note stays on the log.
    It is for the patient's therapist; when they have none, or they are no longer
    active, the clinic's managers see it.
    """

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("patient")
    )
    session_log = models.ForeignKey(
        SessionLog,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("session log"),
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("therapist"),
        help_text=_("Who it is for; with no one, or someone inactive, the clinic's managers."),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AlertReason.choices)
    pain = models.PositiveSmallIntegerField(_("pain"), validators=[MaxValueValidator(10)])
    earlier_median = models.FloatField(
        _("median of the earlier scores"), null=True, blank=True, editable=False
    )
    # The urgent checklist: each question's key and the patient's yes (True) or no.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    clinic_lookup = "patient__clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        template = (
            gettext("Urgent alert for %(name)s, %(date)s")
            if self.urgent
            else gettext("Alert for %(name)s, %(date)s")
        )
        return template % {"name": self.patient.full_name, "date": f"{self.created_at:%Y-%m-%d}"}

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def signs_reported(self) -> list[str]:
        """The urgent signs the patient answered yes to, as the stop box words them."""
        return [sign.sign for sign in URGENT_SIGNS if self.answers.get(sign.key)]


class ReminderSubscription(models.Model):
    """A patient's own request for reminder emails, made on their phone page.

    Nothing is sent until the patient confirms the address from the email it gets;
    every email's unsubscribe link ends it without signing in (patients.reminders).
    """

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="reminder_subscription"
    )
    email = models.EmailField()
    # Days of the week to remind on: 0 is Monday, 6 is Sunday.
    weekdays = models.JSONField(default=list)
    hour = models.PositiveSmallIntegerField(
        default=18, validators=[MaxValueValidator(23)], help_text="In the clinic's time zone."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_sent_on = models.DateField(null=True, blank=True)
    last_nudged_on = models.DateField(null=True, blank=True)

    clinic_lookup = "patient__clinic"

    objects = ClinicQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Reminder emails for {self.patient.full_name}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Reissue(models.Model):
    """One programme a re-issuing job (a branding change) must issue again, and whether a
    worker has claimed or finished it (patients.tasks.rebrand_handouts).

    Several workers share one job: each claims the next unclaimed row, so no handout is
    rendered twice and none is skipped, however many workers run.
    """

    job = models.ForeignKey(
        "hipclinic.BackgroundJob", on_delete=models.CASCADE, related_name="reissues"
    )
    prescription = models.ForeignKey(Prescription, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)  # host and process id
    finished_at = models.DateTimeField(null=True, blank=True)
    # The handout issued again; empty when there was nothing to redo (already rebranded).
    handout = models.ForeignKey(
        Handout, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "prescription"], name="one_reissue_per_job")
        ]

    def __str__(self) -> str:
        return f"Re-issue of programme #{self.prescription_id} for job #{self.job_id}"


# Outcome measures live in their own module; imported here so Django finds them.
from patients.measure_models import Measure, MeasureAnswer, MeasureSchedule  # noqa: E402, F401
