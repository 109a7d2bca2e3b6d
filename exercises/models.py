"""The exercise library: exercises, the muscles and equipment they involve, and protocols."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises import wording
from exercises.search import Term, choices_named, labels_containing, read_terms
from hipclinic.fields import limit_note, limited_text
from hipclinic.models import Clinic
from hipclinic.pictures import PictureField
from hipclinic.scoping import ClinicQuerySet


def lines(text: str) -> list[str]:
    """The non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# An exercise's stop rule (CLINICAL.md section 2) is the "take care" line that starts so.
STOP_RULE_START = "Stop if"


def is_stop_rule(precaution: str) -> bool:
    return precaution.startswith(STOP_RULE_START)


class HoldUnit(models.TextChoices):
    SECONDS = "seconds", _("seconds")
    BREATHS = "breaths", _("breaths")
    MINUTES = "minutes", _("minutes")


class Side(models.TextChoices):
    EACH = "each", _("each side")
    BOTH = "both", _("both sides together")
    ALTERNATING = "alternating", _("alternating sides")


# Bounds that catch typing mistakes (a 10,000-second hold) without getting in a
# clinician's way. The database enforces the same numbers.
DOSE_BOUNDS = {
    "sets": (1, 20),
    "reps": (1, 100),
    "reps_max": (1, 100),
    "hold": (1, 600),
    "hold_max": (1, 600),
    "build_up_to": (1, 600),
    "walk_minutes": (1, 180),
    "times_per_day": (1, 10),
    "days_per_week": (1, 7),
    "rest_seconds": (0, 600),
}


def _bounded(field: str, verbose_name, help_text="") -> models.PositiveSmallIntegerField:
    low, high = DOSE_BOUNDS[field]
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=help_text,
    )


def dose_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Check constraints keeping every dose number inside DOSE_BOUNDS."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True})
            | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
            name=f"{prefix}_{field}_in_range",
            violation_error_message=format_lazy(
                _("{field} must be between {low} and {high}."),
                field=field.replace("_", " ").capitalize(),
                low=low,
                high=high,
            ),
        )
        for field, (low, high) in DOSE_BOUNDS.items()
    ]


def slug_constraints(prefix: str) -> list[models.UniqueConstraint]:
    """A slug is unique within its clinic, and within the shared library (no clinic)."""
    return [
        models.UniqueConstraint(fields=["clinic", "slug"], name=f"{prefix}_slug_unique_in_clinic"),
        models.UniqueConstraint(
            fields=["slug"],
            condition=Q(clinic__isnull=True),
            name=f"{prefix}_slug_unique_in_library",
        ),
    ]


class Dose(models.Model):
    """How much of an exercise to do. Every field is optional: a dose says only what applies.

    A hold or a count of repetitions may be a range ("1 to 3 seconds", "10 to 15 times"),
    and a dose may name a figure to build up to: the repetitions when there are any, else
    the walking time, else the hold. How the figures fit together is ``check_dose``'s rule.
    """

    sets = _bounded("sets", _("sets"))
    reps = _bounded("reps", _("repetitions"))
    reps_max = _bounded("reps_max", _("repetitions, up to"), _("For a range, such as 10 to 15."))
    hold = _bounded("hold", _("hold"), _("How long to hold, each time."))
    hold_max = _bounded("hold_max", _("hold, up to"), _("For a range, such as 1 to 3 seconds."))
    hold_unit = models.CharField(
        _("hold unit"), max_length=10, choices=HoldUnit.choices, default=HoldUnit.SECONDS
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices, blank=True)
    walk_minutes = _bounded("walk_minutes", _("walk for (minutes)"))
    build_up_to = _bounded(
        "build_up_to",
        _("build up to"),
        _("The figure to work up to: the repetitions, else the walking minutes, else the hold."),
    )
    times_per_day = _bounded("times_per_day", _("times per day"))
    days_per_week = _bounded("days_per_week", _("days per week"))
    load = models.CharField(
        _("load or resistance"),
        max_length=100,
        blank=True,
        help_text=_("For example 'light band'."),
    )
    rest_seconds = _bounded(
        "rest_seconds", _("rest (seconds)"), _("Between sets, or between holds.")
    )

    DOSE_FIELDS = (
        "sets",
        "reps",
        "reps_max",
        "hold",
        "hold_max",
        "hold_unit",
        "side",
        "walk_minutes",
        "build_up_to",
        "times_per_day",
        "days_per_week",
        "load",
        "rest_seconds",
    )

    class Meta:
        abstract = True

    def dose_values(self) -> dict:
        return {field: getattr(self, field) for field in self.DOSE_FIELDS}

    def clean(self):
        super().clean()
        problems = check_dose(self)
        if problems:
            raise ValidationError(problems)


def progressed_figure(dose) -> str:
    """Which figure a dose's ``build_up_to`` raises: 'reps', 'walk_minutes', 'hold' or ''.

    The repetitions when there are any (a hold is then kept, the count grows), else the
    walking time, else the hold. ``dose`` is anything with the Dose fields.
    """
    for name in ("reps", "walk_minutes", "hold"):
        if getattr(dose, name, None):
            return name
    return ""


def check_dose(dose) -> dict[str, str]:
    """What is wrong with how a dose's figures fit together, by field; empty when nothing.

    A range needs its start and must go up; a build-up target needs a figure to raise
    (see ``progressed_figure``), must be above it, and is not given with a range of that
    same figure (a range already says how far to go).
    """
    problems = {}
    missing_start = {
        "reps": gettext("Give the repetitions to start the range from as well."),
        "hold": gettext("Give the hold to start the range from as well."),
    }
    for start, top in (("reps", "reps_max"), ("hold", "hold_max")):
        low, high = getattr(dose, start), getattr(dose, top)
        if high is None:
            continue
        if low is None:
            problems[top] = missing_start[start]
        elif high <= low:
            problems[top] = gettext("The top of the range must be more than %(low)s.") % {
                "low": low
            }
    target = dose.build_up_to
    if target is not None:
        raised = progressed_figure(dose)
        if not raised:
            problems["build_up_to"] = gettext(
                "Give the repetitions, the walking minutes or the hold to build up from."
            )
        elif getattr(dose, raised) is not None and target <= getattr(dose, raised):
            problems["build_up_to"] = gettext(
                "Build up to more than the %(start)s to start with."
            ) % {"start": getattr(dose, raised)}
        elif raised == "reps" and dose.reps_max or raised == "hold" and dose.hold_max:
            problems["build_up_to"] = gettext("Give a range or a figure to build up to, not both.")
    return problems


class MuscleGroup(models.TextChoices):
    HIP_FLEXORS = "hip_flexors", _("Hip flexors")
    GLUTES = "glutes", _("Glutes and hip extensors")
    OUTER_HIP = "outer_hip", _("Outer hip (abductors and rotators)")
    INNER_THIGH = "inner_thigh", _("Inner thigh (adductors)")
    QUADRICEPS = "quadriceps", _("Quadriceps")
    HAMSTRINGS = "hamstrings", _("Hamstrings")
    LOWER_BACK = "lower_back", _("Lower back")
    CORE = "core", _("Core")
    CALVES = "calves", _("Calves and ankles")


class Muscle(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=MuscleGroup.choices)
    plain_name = models.CharField(
        _("plain name"),
        max_length=100,
        blank=True,
        help_text=_("What a patient would call it, e.g. 'front of the hip'."),
    )

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("muscle")
        verbose_name_plural = _("muscles")

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    STRETCH = "stretch", _("Stretch")
    STRENGTHENING = "strengthening", _("Strengthening")
    # Holding the trunk steady while the limbs move (pelvic tilt, bird-dog, dead bug): the
    # core work of low back care, taught for control before strength.
    CONTROL = "control", _("Motor control")
    MOBILITY = "mobility", _("Mobility")
    ACTIVITY = "activity", _("Walking and activity")


class Position(models.TextChoices):
    SUPINE = "supine", _("Lying on your back")
    SIDE_LYING = "side_lying", _("Lying on your side")
    PRONE = "prone", _("Lying face down")
    SEATED = "seated", _("Sitting")
    KNEELING = "kneeling", _("Kneeling")
    HALF_KNEELING = "half_kneeling", _("Half-kneeling")
    ALL_FOURS = "all_fours", _("On hands and knees")
    STANDING = "standing", _("Standing")


class Difficulty(models.TextChoices):
    GENTLE = "gentle", _("Gentle")
    MODERATE = "moderate", _("Moderate")
    ADVANCED = "advanced", _("Advanced")


# The longest search anyone may type; the search forms refuse longer, and search() reads no
# further, so a pasted essay cannot turn into thousands of subqueries.
SEARCH_MAX_LENGTH = 100

# How well a term matches, added up over the terms typed. A match in the name is the best
# (and is all that counts for that term: a purpose that says "bridge" again adds nothing to
# "Bridge"); below it, a match in the muscles or body area and one anywhere else (purpose,
# kind, position, equipment) add up, and even together stay below a name.
NAME_MATCH = 4
MUSCLE_MATCH = 2
OTHER_MATCH = 1

# Exercises done down on the floor. Sitting may be on a chair or on the floor (the seated
# butterfly), so a seated exercise counts as off the floor only when it lists a chair.
FLOOR_POSITIONS = (
    Position.SUPINE,
    Position.SIDE_LYING,
    Position.PRONE,
    Position.KNEELING,
    Position.HALF_KNEELING,
    Position.ALL_FOURS,
)
CHAIR = "chair"


def _any(conditions: list):
    """The conditions joined with OR; None when there are none."""
    joined = None
    for condition in conditions:
        joined = condition if joined is None else joined | condition
    return joined


def _term_matches(term: Term) -> tuple[Q | None, Q | None, Q | None]:
    """Where an exercise matches ``term``: in the name, in the muscles and body areas, and
    anywhere else; None where it cannot. Muscles and equipment are matched in subqueries,
    so an exercise found through two muscles is still one row."""
    in_name = _any([Q(name__icontains=word) for word in term.words])
    elsewhere = [Q(purpose__icontains=word) for word in term.words]
    in_muscles = []
    if term.words:
        named = _any([Q(name__icontains=w) | Q(plain_name__icontains=w) for w in term.words])
        in_muscles.append(Exists(Muscle.objects.filter(named, exercises=OuterRef("pk"))))
        named = _any([Q(name__icontains=word) for word in term.words])
        elsewhere.append(Exists(Equipment.objects.filter(named, exercises=OuterRef("pk"))))
    areas = labels_containing(term, MuscleGroup.choices)
    if areas:
        in_muscles.append(Exists(Muscle.objects.filter(exercises=OuterRef("pk"), group__in=areas)))
    kinds = choices_named(term, Kind.choices)
    positions = [*term.positions, *choices_named(term, Position.choices)]
    if kinds:
        elsewhere.append(Q(kind__in=kinds))
    if positions:
        elsewhere.append(Q(position__in=positions))
    return in_name, _any(in_muscles), _any(elsewhere)


def _term_rank(in_name: Q | None, in_muscles: Q | None, elsewhere: Q | None):
    """The term's score (NAME_MATCH, or MUSCLE_MATCH and OTHER_MATCH added), in the database."""
    below_name = Value(0)
    for condition, score in ((in_muscles, MUSCLE_MATCH), (elsewhere, OTHER_MATCH)):
        if condition is not None:
            below_name = below_name + Case(When(condition, then=Value(score)), default=Value(0))
    if in_name is None:
        return below_name
    return Case(When(in_name, then=Value(NAME_MATCH)), default=below_name)


class ExerciseQuerySet(ClinicQuerySet):
    def active(self):
        return self.filter(archived=False)

    def shared(self):
        return self.filter(clinic__isnull=True)

    def search(self, text: str):
        """Exercises matching every term typed, best match first, then by name.

        A term is a word or a known phrase ("on your back"), read by exercises.search with
        its synonyms ("bottom" looks for "buttock" and "glute" too). It matches, ignoring
        case, the name, the purpose, a muscle's name or plain name, a body area, the
        equipment, or the kind or position it names. Each exercise is scored in the
        database (NAME_MATCH, or MUSCLE_MATCH and OTHER_MATCH, added up over the terms) as
        ``search_rank``; equal scores come in name order, and with nothing typed every
        exercise scores 0.

        The one search for exercises: the library, the builder's finder and the admin all
        call it, so ranking or synonyms are a change here (or in exercises.search) and
        nowhere else. It reads no further than SEARCH_MAX_LENGTH characters.
        """
        found = self
        rank = Value(0)
        for term in read_terms(text[:SEARCH_MAX_LENGTH]):
            matches = _term_matches(term)
            found = found.filter(_any([where for where in matches if where is not None]))
            rank = rank + _term_rank(*matches)
        return found.annotate(search_rank=rank).order_by("-search_rank", "name")

    def narrowed(
        self,
        *,
        kind: str = "",
        position: str = "",
        difficulty: str = "",
        body_area: str = "",
        equipment=None,
        no_floor_work: bool = False,
    ):
        """The exercises of one kind, position, difficulty, body area (a MuscleGroup) and
        piece of equipment, each only when given; with ``no_floor_work``, only those done
        standing or on a chair (see FLOOR_POSITIONS). The library's and the builder's
        filters both come here. No joins, so no duplicate rows."""
        found = self
        for field, value in (("kind", kind), ("position", position), ("difficulty", difficulty)):
            if value:
                found = found.filter(**{field: value})
        if body_area:
            muscles = Muscle.objects.filter(exercises=OuterRef("pk"), group=body_area)
            found = found.filter(Exists(muscles))
        if equipment:
            used = Equipment.objects.filter(exercises=OuterRef("pk"), pk=equipment.pk)
            found = found.filter(Exists(used))
        if no_floor_work:
            chair = Equipment.objects.filter(exercises=OuterRef("pk"), slug=CHAIR)
            found = found.exclude(position__in=FLOOR_POSITIONS).exclude(
                Q(position=Position.SEATED) & ~Exists(chair)
            )
        return found


class Exercise(Dose):
    """One exercise. Without a clinic it belongs to the shared library.

    The dose fields hold the default dose a new prescription item starts from.
    Variations are one link, ``easier_version``; its reverse, ``harder_versions``,
    gives the other direction, so the two can never disagree.
    """

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exercises",
        verbose_name=_("clinic"),
        help_text=_("Empty for the shared library."),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.CharField(_("body position"), max_length=20, choices=Position.choices)
    difficulty = models.CharField(
        _("difficulty"), max_length=20, choices=Difficulty.choices, default=Difficulty.GENTLE
    )
    muscles = models.ManyToManyField(
        Muscle, related_name="exercises", blank=True, verbose_name=_("muscles")
    )
    equipment = models.ManyToManyField(
        Equipment, related_name="exercises", blank=True, verbose_name=_("equipment")
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=300,
        help_text=format_lazy("{} {}", _("One plain sentence: what this is for."), limit_note(300)),
    )
    steps = limited_text(2000, _("steps"), help_text=_("One step per line, in order."))
    cues = limited_text(1000, _("coaching cues"), blank=True, help_text=_("One cue per line."))
    precautions = limited_text(
        1000,
        _("precautions"),
        blank=True,
        help_text=_("When not to do it and when to stop. One per line."),
    )
    illustration = PictureField(
        _("illustration"),
        upload_to="exercise-illustrations/",
        blank=True,
        url_name="exercises:exercise_picture",
    )
    pose = models.JSONField(
        _("pose"),
        blank=True,
        default=dict,
        help_text=_(
            "How the drawing shows the exercise (the library file's pose). "
            "Drawn only while no picture is uploaded."
        ),
    )
    easier_version = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="harder_versions",
        verbose_name=_("easier version"),
    )
    sources = limited_text(2000, _("sources"), blank=True, help_text=_("References, one per line."))
    archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("Hidden from new programmes; existing programmes keep it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    clinic_lookup = "clinic"
    shared_library = True

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        constraints = [
            *slug_constraints("exercise"),
            models.CheckConstraint(
                condition=~Q(easier_version=F("pk")),
                name="exercise_not_its_own_variation",
                violation_error_message=_("An exercise cannot be its own easier version."),
            ),
            *dose_constraints("exercise"),
        ]

    def __str__(self) -> str:
        return self.name if self.clinic_id else gettext("%(name)s (library)") % {"name": self.name}

    def clean(self):
        """The dose fits together (``Dose.clean``) and the steps and tips state no dose
        figure (``wording.dose_figures``): the dose is the only place a figure may live.

        A model check rather than a field validator, so the app's form, the admin and the
        library loader share it without a migration."""
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field, what in (("steps", "Step"), ("cues", "Tip")):
            problem = wording.lines_problem(what, lines(getattr(self, field)))
            if problem:
                errors.setdefault(field, []).append(problem)
        if errors:
            raise ValidationError(errors)

    @property
    def is_shared(self) -> bool:
        return self.clinic_id is None

    @property
    def step_list(self) -> list[str]:
        return lines(self.steps)

    @property
    def cue_list(self) -> list[str]:
        return lines(self.cues)

    @property
    def precaution_list(self) -> list[str]:
        return lines(self.precautions)

    @property
    def source_list(self) -> list[str]:
        return lines(self.sources)


class Condition(models.TextChoices):
    """Conditions that make some exercises unsafe: tags on exercises, and on a patient's
    record as "conditions to take care with"."""

    HIP_POSTERIOR = "hip_replacement_posterior", _("Hip replacement, posterior approach")
    HIP_ANTERIOR = "hip_replacement_anterior", _("Hip replacement, anterior approach")
    KNEE_REPLACEMENT = "knee_replacement", _("Knee replacement")
    PREGNANCY = "pregnancy", _("Pregnancy")
    OSTEOPOROSIS = "osteoporosis", _("Osteoporosis")
    SPINE_SURGERY = "recent_spine_surgery", _("Recent spine surgery")
    FALL_RISK = "fall_risk", _("Fall risk")


def check_conditions(value) -> None:
    """A list of conditions from the vocabulary, each once."""
    if not isinstance(value, list) or any(item not in Condition.values for item in value):
        raise ValidationError(gettext("Choose conditions from the list."))
    if len(set(value)) != len(value):
        raise ValidationError(gettext("Each condition once."))


class Contraindication(models.Model):
    """A condition that makes an exercise unsafe, and why, in plain words for the therapist
    who is warned when they give the exercise to a patient with that condition."""

    exercise = models.ForeignKey(
        Exercise,
        on_delete=models.CASCADE,
        related_name="contraindications",
        verbose_name=_("exercise"),
    )
    condition = models.CharField(_("condition"), max_length=40, choices=Condition.choices)
    reason = models.CharField(
        _("reason"),
        max_length=300,
        help_text=_("Why it is unsafe, in plain words, e.g. 'Bends the hip past a right angle.'"),
    )

    clinic_lookup = "exercise__clinic"
    shared_library = True

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["condition"]
        verbose_name = _("contraindication")
        verbose_name_plural = _("contraindications")
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "condition"],
                name="contraindication_once_per_exercise",
                violation_error_message=_("Each condition once per exercise."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_condition_display()}: {self.reason}"


class Protocol(models.Model):
    """A reusable programme template: ordered exercises with doses."""

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="protocols",
        verbose_name=_("clinic"),
        help_text=_("Empty for the shared library."),
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(max_length=150)
    condition = models.CharField(_("condition"), max_length=150, blank=True)
    # Copied into a programme's general instructions, so never longer than they may be.
    description = limited_text(
        2000,
        _("description"),
        blank=True,
        help_text=_("Copied into a programme's general instructions."),
    )
    sources = limited_text(2000, _("sources"), blank=True, help_text=_("References, one per line."))
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    clinic_lookup = "clinic"
    shared_library = True

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        constraints = slug_constraints("protocol")

    def __str__(self) -> str:
        return self.name if self.clinic_id else gettext("%(name)s (library)") % {"name": self.name}

    def clean(self):
        """The description becomes a programme's general instructions, so it states no
        count of exercises and no dose: the items carry those, and may change."""
        super().clean()
        problem = wording.description_problem(self.description)
        if problem:
            raise ValidationError({"description": problem})


class ProtocolItem(Dose):
    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="items", verbose_name=_("protocol")
    )
    exercise = models.ForeignKey(
        Exercise,
        on_delete=models.PROTECT,
        related_name="protocol_items",
        verbose_name=_("exercise"),
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    note = limited_text(1000, _("note"), blank=True)

    clinic_lookup = "protocol__clinic"
    shared_library = True

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("protocol exercise")
        verbose_name_plural = _("protocol exercises")
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "order"], name="protocol_item_order_unique"
            ),
            *dose_constraints("protocolitem"),
        ]

    def __str__(self) -> str:
        return f"{self.order + 1}. {self.exercise.name}"


# The languages a library text may be translated into: all but English, the original.
TRANSLATED_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "en"]
# What a translation must match the original in, line for line: a step, tip or
# "take care" line in one language is the same line in the other (a stop rule stays one).
LINE_FIELDS = ("steps", "cues", "precautions")


def uneven_lines(
    original: Mapping[str, list[str]], translation: Mapping[str, list[str]]
) -> dict[str, tuple[int, int]]:
    """Where a translation is not line for line with its original: for each of LINE_FIELDS
    holding a different number of lines, (the original's count, the translation's count).

    The one rule for every translation of an exercise, however it is written: the library
    files (``exercises.library``), a clinic's own in the admin (``ExerciseTranslation.clean``)
    and the check before one is printed (``exercises.patient_text``). Each side maps a
    field to its lines; a field left out has none.
    """
    counts = {
        field: (len(original.get(field) or []), len(translation.get(field) or []))
        for field in LINE_FIELDS
    }
    return {field: (ours, theirs) for field, (ours, theirs) in counts.items() if ours != theirs}


def text_lines(holder) -> dict[str, list[str]]:
    """An exercise's or a translation's LINE_FIELDS as lists of lines, for ``uneven_lines``."""
    return {field: lines(getattr(holder, field)) for field in LINE_FIELDS}


class ExerciseTranslation(models.Model):
    """An exercise's words for patients in another language: what its handout and the
    patient's page print for a patient who reads that language.

    The English text on the exercise is the original. A translation holds as many steps,
    tips and "take care" lines as the original, in the same order, so each line keeps its
    meaning (a stop rule stays a stop rule) and its picture's step numbers.
    """

    exercise = models.ForeignKey(
        Exercise,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("exercise"),
    )
    language = models.CharField(_("language"), max_length=8, choices=TRANSLATED_LANGUAGES)
    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=300)
    steps = limited_text(
        2000, _("steps"), help_text=_("One step per line, as many as the original.")
    )
    cues = limited_text(1000, _("coaching cues"), blank=True, help_text=_("One tip per line."))
    precautions = limited_text(
        1000,
        _("precautions"),
        blank=True,
        help_text=_("One per line, as many as the original."),
    )

    clinic_lookup = "exercise__clinic"
    shared_library = True

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "language"], name="exercise_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exercise.name} ({self.get_language_display()})"

    def clean(self):
        """As many steps, tips and "take care" lines as the English (``uneven_lines``)."""
        super().clean()
        try:
            # The admin's inline gives a new exercise before it is saved, as posted.
            exercise = self.exercise
        except Exercise.DoesNotExist:
            return
        uneven = uneven_lines(text_lines(exercise), text_lines(self))
        if uneven:
            raise ValidationError(
                {
                    field: gettext(
                        "The original has %(original)s lines here and this translation has "
                        "%(translated)s: give one line for each."
                    )
                    % {"original": original, "translated": translated}
                    for field, (original, translated) in uneven.items()
                }
            )

    @property
    def step_list(self) -> list[str]:
        return lines(self.steps)

    @property
    def cue_list(self) -> list[str]:
        return lines(self.cues)

    @property
    def precaution_list(self) -> list[str]:
        return lines(self.precautions)


class ProtocolTranslation(models.Model):
    """A protocol's name and description in another language than English."""

    protocol = models.ForeignKey(
        Protocol,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("protocol"),
    )
    language = models.CharField(_("language"), max_length=8, choices=TRANSLATED_LANGUAGES)
    name = models.CharField(_("name"), max_length=150)
    description = limited_text(2000, _("description"), blank=True)

    clinic_lookup = "protocol__clinic"
    shared_library = True

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["language"]
        verbose_name = _("protocol translation")
        verbose_name_plural = _("protocol translations")
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "language"], name="protocol_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol.name} ({self.get_language_display()})"
