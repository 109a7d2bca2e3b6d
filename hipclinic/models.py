"""Core models: the clinic, its staff, and the audit trail."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hipclinic.fields import limited_text
from hipclinic.pictures import PictureField
from hipclinic.scoping import ClinicQuerySet

# Each language's name as a sentence says it ("It prints in Spanish", "Se imprime en
# español": Spanish writes language names lowercase). Django's get_language_info gives
# "name_translated" through these msgids, and our message files come before Django's.
LANGUAGE_NAMES_IN_SENTENCES = (gettext_noop("English"), gettext_noop("Spanish"))


class PaperSize(models.TextChoices):
    A4 = "A4", "A4"
    LETTER = "LETTER", _("Letter")


class Clinic(models.Model):
    """A physical therapy practice. Every clinical row belongs to exactly one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    address = limited_text(300, _("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = PictureField(_("logo"), upload_to="clinic-logos/", blank=True, url_name="clinic_logo")
    paper_size = models.CharField(
        _("default paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4
    )
    handout_footer = limited_text(
        500,
        _("handout footer"),
        blank=True,
        help_text=_("Printed at the end of every handout, for example opening hours."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(
        _("patients' language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("New patients start in this language; each patient's record can change it."),
    )
    # What a patient's pain score sets off (patients.alerts): the defaults are CLINICAL.md's.
    alert_pain_at = models.PositiveSmallIntegerField(
        _("alert at a pain score of"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "A logged pain score of this or more tells the patient to stop and call, "
            "and alerts their therapist."
        ),
    )
    alert_pain_rise = models.PositiveSmallIntegerField(
        _("alert at a rise in pain of"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Points above the middle (median) of the patient's last three scores."),
    )
    alert_emails = models.BooleanField(
        _("email staff about new alerts"),
        default=True,
        help_text=_(
            "The email says only that a patient needs attention, with a link: no name, "
            "score or note. Sent only when the site can send email."
        ),
    )
    nudge_after_days = models.PositiveSmallIntegerField(
        _("nudge after days without a log"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_(
            "A patient who asked for email reminders gets a gentle nudge after this "
            "many days with nothing logged. 0 sends no nudges."
        ),
    )
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in for all staff"),
        default=False,
        help_text=_(
            "Every therapist and manager signs in with an authenticator app or a passkey as "
            "well as their password; anyone not yet enrolled is taken to enrolment first."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    clinic_lookup = "pk"

    # What a handout prints of the clinic: each key of the handout's heading and the field
    # it shows. The one list of branding fields: changing any of them in the admin issues
    # the current handouts again. Issued handouts keep these keys in their snapshot and are
    # compared with handout_heading(), so renaming a key would re-issue every handout.
    HANDOUT_HEADING = {
        "name": "name",
        "address": "address",
        "phone": "phone",
        "email": "email",
        "website": "website",
        "logo": "logo",
        "footer": "handout_footer",
    }
    BRANDING_FIELDS = frozenset(HANDOUT_HEADING.values())

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> datetime.tzinfo:
        """The clinic's time zone, which decides what "today" is for its patients; UTC
        when the name is not one the server knows."""
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return datetime.UTC

    def handout_heading(self) -> dict[str, str]:
        """The clinic's details and branding as a handout prints them (a logo by its name)."""
        heading = {}
        for key, field in self.HANDOUT_HEADING.items():
            value = getattr(self, field)
            heading[key] = (value.name or "") if isinstance(value, FieldFile) else value
        return heading


class Role(models.TextChoices):
    THERAPIST = "therapist", _("Therapist")
    MANAGER = "manager", _("Clinic manager")


class StaffUserManager(UserManager.from_queryset(ClinicQuerySet)):
    pass


class User(AbstractUser):
    """A therapist or clinic manager of one clinic, or a platform superuser (no clinic)."""

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("clinic"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.THERAPIST)
    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("As printed on handouts, for example 'Dr Ana Ruiz'."),
    )
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("Printed after the name, for example 'PT, DPT'."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The app's language for you. Leave empty to follow your browser."),
    )

    clinic_lookup = "clinic"

    objects = StaffUserManager()

    class Meta:
        ordering = ["display_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(clinic__isnull=False) | Q(is_staff=False),
                name="staff_user_has_clinic",
                violation_error_message=_("Staff who are not platform admins belong to a clinic."),
            )
        ]

    def __str__(self) -> str:
        return self.name_for_handout or self.username

    @property
    def writing_language(self) -> str:
        """The language to write to this user in where no browser asks (emails, job
        summaries): their own, else the site's."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def name_for_handout(self) -> str:
        name = self.display_name or self.get_full_name()
        if name and self.credentials:
            return f"{name}, {self.credentials}"
        return name

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER


class AuditAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    DOWNLOADED = "downloaded", _("Downloaded")
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")
    EXTENDED = "extended", _("Extended")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    LOGGED_IN = "logged_in", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    SECOND_STEP_FAILED = "second_step_failed", _("Second sign-in step failed")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Two-factor device added")
    TWO_FACTOR_REMOVED = "2fa_removed", _("Two-factor device removed")
    RECOVERY_CODES_MADE = "recovery_codes_made", _("New recovery codes made")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SESSION_ENDED = "session_ended", _("Session ended")
    INVITED = "invited", _("Invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where.

    Holds identifiers only, never clinical free text: the target is a model label
    and a primary key, the actor a user or a patient link.
    """

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("clinic"),
    )
    # Protected: an account that did something is deactivated, never deleted, so the
    # trail keeps who did it (hipclinic.admin.UserAdmin offers "Deactivate").
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    patient_link = models.ForeignKey(
        "patients.PatientLink",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("patient link"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    clinic_lookup = "clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        who = self.actor or (_("patient link") if self.patient_link_id else _("system"))
        return f"{who} {self.get_action_display().lower()} {self.target_type} #{self.target_id}"

    @classmethod
    def record(cls, action, target, *, actor=None, patient_link=None, clinic=None, ip=None):
        """Write one event about ``target`` (any model instance, or None: a failed login
        for a username that matches no account leaves the target empty)."""
        return cls.objects.create(
            clinic=clinic,
            actor=actor if actor is not None and actor.is_authenticated else None,
            patient_link=patient_link,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            ip_address=ip,
        )


class StaffSession(models.Model):
    """One place a staff user is signed in, as their security page lists it
    (hipclinic.staff_sessions). The session key, a credential, is never kept in the clear:
    its SHA-256 finds the row, and a sealed copy lets the user end that session."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    sealed_key = models.CharField(max_length=200)
    browser = models.CharField(max_length=40, blank=True)
    system = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    clinic_lookup = "user__clinic"

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        indexes = [models.Index(fields=["last_seen_at"])]  # forget_ended()

    def __str__(self) -> str:
        return f"{self.user} on {self.browser_label}"

    @property
    def browser_label(self) -> str:
        """ "Chrome on Windows", "Safari" or "Unknown browser", in the reader's language."""
        if self.browser and self.system:
            return gettext("%(browser)s on %(system)s") % {
                "browser": self.browser,
                "system": self.system,
            }
        return self.browser or self.system or gettext("Unknown browser")


class JobKind(models.TextChoices):
    ISSUE_HANDOUTS = "issue_handouts", _("Issue handouts")
    REBRAND_HANDOUTS = "rebrand_handouts", _("Issue handouts again with the new heading")
    EMAIL_LINK = "email_link", _("Email a patient link")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", pgettext_lazy("background job", "Done")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    """Work a clinic asked for that runs outside the request (hipclinic.jobs).

    The clinic-facing side of a task: what was asked, by whom, how far it got and a
    summary in counts. It names no patient and holds no clinical text; the task's
    arguments are ids only.
    """

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("clinic")
    )
    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(
        _("total"), default=0, help_text=_("Items to work through.")
    )
    done = models.PositiveIntegerField(_("done"), default=0, help_text=_("Items finished so far."))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    clinic_lookup = "clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"


class Invitation(models.Model):
    """A manager's invitation to a colleague: an email address and a role in the manager's
    clinic, and a one-time link (hipclinic.invitations) that lets the invitee choose
    their own password. Only the link's hash is kept."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("clinic")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    clinic_lookup = "clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None
