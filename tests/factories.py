"""factory_boy factories for the domain models; tests build exactly the rows they need."""

import datetime

import factory
from django.utils import timezone

from exercises.models import (
    Equipment,
    Exercise,
    Kind,
    Muscle,
    MuscleGroup,
    Position,
    Protocol,
    ProtocolItem,
)
from hipclinic.models import Clinic, Role, User
from patients.models import (
    Handout,
    Patient,
    PatientLink,
    Prescription,
    PrescriptionItem,
    SessionLog,
)

PASSWORD = "correct horse battery staple"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Riverside Physio {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    phone = "555 0100"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"therapist{n}")
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.THERAPIST
    is_staff = True
    display_name = factory.Sequence(lambda n: f"Alex Therapist {n}")
    password = factory.django.Password(PASSWORD)


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    role = Role.MANAGER


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    clinic = None
    is_superuser = True


class MuscleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Muscle
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Muscle {n}")
    slug = factory.Sequence(lambda n: f"muscle-{n}")
    group = MuscleGroup.OUTER_HIP


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Equipment {n}")
    slug = factory.Sequence(lambda n: f"equipment-{n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    """A clinic's own exercise; pass clinic=None for a shared-library one."""

    class Meta:
        model = Exercise

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Clamshell variation {n}")
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    kind = Kind.STRENGTHENING
    position = Position.SIDE_LYING
    purpose = "Strengthens the side of the hip."
    steps = "Lie on your side.\nLift the top knee.\nLower it slowly."
    sets = 2
    reps = 10


class ProtocolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Protocol

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Hip programme {n}")
    slug = factory.Sequence(lambda n: f"protocol-{n}")
    condition = "Low back pain"


class ProtocolItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolItem

    protocol = factory.SubFactory(ProtocolFactory)
    exercise = factory.SubFactory(
        ExerciseFactory, clinic=factory.SelfAttribute("..protocol.clinic")
    )
    order = factory.Sequence(lambda n: n)
    sets = 3
    reps = 10


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    chart_number = factory.Sequence(lambda n: f"C-{n:05d}")
    first_name = "Jordan"
    last_name = factory.Sequence(lambda n: f"Patient{n}")
    date_of_birth = datetime.date(1970, 5, 17)


class PrescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prescription

    patient = factory.SubFactory(PatientFactory)
    therapist = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..patient.clinic"))
    title = "Home programme"


class PrescriptionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriptionItem

    prescription = factory.SubFactory(PrescriptionFactory)
    exercise = factory.SubFactory(
        ExerciseFactory, clinic=factory.SelfAttribute("..prescription.patient.clinic")
    )
    order = factory.Sequence(lambda n: n)
    sets = 3
    reps = 10


class HandoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handout

    prescription = factory.SubFactory(PrescriptionFactory)
    revision = factory.Sequence(lambda n: n + 1)
    issued_by = factory.SelfAttribute("prescription.therapist")


def issued_on(prescription, day: datetime.date) -> Handout:
    """A handout of ``prescription`` issued at noon (clinic time) on ``day``: issued_at is
    set by the database on save, so it is moved afterwards."""
    handout = HandoutFactory(prescription=prescription)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Handout.objects.filter(pk=handout.pk).update(issued_at=at)
    handout.refresh_from_db()
    return handout


class PatientLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientLink

    patient = factory.SubFactory(PatientFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=90))


class SessionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionLog

    patient = factory.SubFactory(PatientFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    pain = 3
