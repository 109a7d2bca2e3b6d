"""Outcome measures in the database: the measures (from definition files, patients.measures),
the ones a programme asks for and when, and the answers, which never change once given.

Imported by patients.models, so Django finds these models in the patients app.
"""

from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hipclinic.models import Clinic
from hipclinic.scoping import ClinicQuerySet
from patients.measures import Definition, definition_from, in_language


class Measure(models.Model):
    """A questionnaire or rating scale, as its definition file describes it.

    ``clinic`` is empty for the shipped measures (NPRS, PSFS, Global Rating of Change);
    a clinic with a licence for another questionnaire loads its own definition, seen by
    that clinic alone (``manage.py load_measures --clinic``).
    """

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40)
    version = models.PositiveIntegerField(default=1)
    definition = models.JSONField(help_text="The definition file's data, as checked on loading.")
    is_active = models.BooleanField(default=True)

    clinic_lookup = "clinic"
    shared_library = True  # for_clinic: the shipped measures and the clinic's own

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(clinic__isnull=True),
                name="measure_shipped_slug_unique",
            ),
            models.UniqueConstraint(fields=["clinic", "slug"], name="measure_clinic_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def spec(self) -> Definition:
        """The definition, checked, to score and show answers by."""
        return definition_from(self.definition, self.slug)

    def spec_in(self, language: str) -> Definition:
        """The definition with what the patient reads in ``language`` where it is given
        (scores and keys are the same in every language)."""
        return definition_from(in_language(self.definition, language), self.slug)


class MeasureSchedule(models.Model):
    """A measure a programme asks for: at the first handout (the baseline), then every
    ``every_weeks`` weeks and/or at the programme's review date (patients.outcomes)."""

    prescription = models.ForeignKey(
        "patients.Prescription",
        on_delete=models.CASCADE,
        related_name="measure_schedules",
        verbose_name=_("programme"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("measure")
    )
    every_weeks = models.PositiveSmallIntegerField(
        _("every weeks"),
        null=True,
        blank=True,
        help_text=_("Leave empty to ask only at the start and the review."),
    )
    at_review = models.BooleanField(_("at the review date"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    clinic_lookup = "prescription__patient__clinic"

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["measure__name"]
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "measure"], name="measure_schedule_once_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__isnull=True) | Q(every_weeks__gte=1),
                name="measure_schedule_every_weeks_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} for {self.prescription}"


class MeasureAnswerQuerySet(ClinicQuerySet):
    def current(self) -> "MeasureAnswerQuerySet":
        """Answers no later answer corrects: the ones charts and scores use."""
        return self.filter(corrected_by__isnull=True)


class MeasureAnswer(models.Model):
    """One completed measure: the patient's answers and their score, as given.

    Never changed once saved. A mistake is put right by a new answer that names the one
    it ``corrects``; the corrected one stays, out of charts and scores. ``entered_by`` is
    the staff member who typed answers given in the clinic (on paper, say), empty when the
    patient answered on their own page. ``answered_on`` is the day in the clinic's time
    zone, as session logs count days.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="measure_answers"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="answers")
    prescription = models.ForeignKey(
        "patients.Prescription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measure_answers",
    )
    answered_on = models.DateField()
    values = models.JSONField(
        help_text="The answers, as patients.measures.checked_answers keeps them."
    )
    score = models.DecimalField(max_digits=7, decimal_places=2)
    measure_version = models.PositiveIntegerField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Staff who typed answers given in the clinic; empty: the patient's own page.",
    )
    patient_link = models.ForeignKey(
        "patients.PatientLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    clinic_lookup = "patient__clinic"

    objects = MeasureAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["answered_on", "created_at"]
        indexes = [models.Index(fields=["patient", "measure", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.measure.short_name} {self.score} on {self.answered_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("An answer is never changed: give a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("An answer is never deleted: give a correction instead."))

    @property
    def entered_in_clinic(self) -> bool:
        return self.entered_by_id is not None
