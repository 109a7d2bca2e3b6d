"""The audit trail: each audited action writes exactly one event, with ids and no clinical text."""

import pytest
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent
from patients.handouts import issue_handout
from patients.links import create_link
from tests.factories import (
    PASSWORD,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, form_data
from tests.patients.test_programme_views import builder_data

pytestmark = pytest.mark.django_db

CLINICAL = ["Hip osteoarthritis", "Robin", "Okafor", "left hip replaced", "Go gently"]


@pytest.fixture
def world(clinic, therapist):
    patient = PatientFactory(
        clinic=clinic,
        first_name="Robin",
        last_name="Okafor",
        condition="Hip osteoarthritis",
        notes="left hip replaced",
    )
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(
        prescription=programme, exercise=ExerciseFactory(clinic=clinic), note="Go gently"
    )
    return {"patient": patient, "programme": programme}


def do_view_patient(client, world, therapist):
    client.get(reverse("patients:patient_detail", args=[world["patient"].pk]))
    return AuditAction.VIEWED, world["patient"]


def do_change_patient_in_app(client, world, therapist):
    patient = world["patient"]
    client.post(
        reverse("patients:patient_edit", args=[patient.pk]),
        {
            "chart_number": patient.chart_number,
            "first_name": "Robin",
            "last_name": "Okafor",
            "is_active": "on",
        },
    )
    return AuditAction.CHANGED, patient


def do_change_patient_in_admin(client, world, therapist):
    patient = world["patient"]
    page = client.get(admin_url(patient))
    client.post(admin_url(patient), form_data(page) | {"phone": "555 0111"})
    return AuditAction.CHANGED, patient


def do_save_programme(client, world, therapist):
    programme = world["programme"]
    client.post(reverse("patients:programme_edit", args=[programme.pk]), builder_data(programme))
    return AuditAction.CHANGED, programme


def do_start_programme(client, world, therapist):
    client.post(
        reverse("patients:programme_new", args=[world["patient"].pk]),
        {"start_from": "empty", "title": "Week 2"},
    )
    return AuditAction.CREATED, world["patient"].prescriptions.get(title="Week 2")


def do_delete_programme_in_admin(client, world, therapist):
    programme = world["programme"]
    client.post(admin_url(programme, "delete"), {"post": "yes"})
    return AuditAction.DELETED, programme


def do_issue_handout(client, world, therapist):
    client.post(reverse("patients:issue_handout", args=[world["programme"].pk]))
    return AuditAction.ISSUED, world["programme"].handouts.get()


def do_download_handout(client, world, therapist):
    handout = issue_handout(world["programme"], therapist)
    AuditEvent.objects.all().delete()
    client.get(reverse("patients:download_handout", args=[handout.pk]))
    return AuditAction.DOWNLOADED, handout


def do_create_link(client, world, therapist):
    client.post(reverse("patients:link_create", args=[world["patient"].pk]), {"days": "30"})
    return AuditAction.CREATED, world["patient"].links.get()


def do_revoke_link(client, world, therapist):
    link = create_link(world["patient"], therapist)
    AuditEvent.objects.all().delete()
    client.post(reverse("patients:link_revoke", args=[link.pk]))
    return AuditAction.REVOKED, link


@pytest.mark.parametrize(
    "action",
    [
        do_view_patient,
        do_change_patient_in_app,
        do_change_patient_in_admin,
        do_start_programme,
        do_save_programme,
        do_delete_programme_in_admin,
        do_issue_handout,
        do_download_handout,
        do_create_link,
        do_revoke_link,
    ],
    ids=lambda f: f.__name__.removeprefix("do_"),
)
def test_each_action_writes_exactly_one_event(client, world, therapist, action):
    client.force_login(therapist)
    AuditEvent.objects.all().delete()  # the login's own event

    expected, target = action(client, world, therapist)

    (event,) = AuditEvent.objects.filter(action=expected)
    assert (event.actor, event.clinic) == (therapist, therapist.clinic)
    assert (event.target_type, event.target_id) == (target._meta.label_lower, str(target.pk))
    assert event.ip_address == "127.0.0.1"
    written = " ".join(str(value) for value in event.__dict__.values())
    for text in CLINICAL:
        assert text not in written


def test_a_login_writes_one_event(client, therapist):
    client.post(reverse("login"), {"username": therapist.username, "password": PASSWORD})

    (event,) = AuditEvent.objects.all()
    assert (event.action, event.actor) == (AuditAction.LOGGED_IN, therapist)


def test_managers_read_the_trail_in_the_admin_but_never_change_it(client, manager, world):
    client.force_login(manager)
    event = AuditEvent.objects.create(
        action=AuditAction.VIEWED,
        target_type="patients.patient",
        target_id="1",
        clinic=manager.clinic,
    )

    listing = client.get(
        reverse("admin:hipclinic_auditevent_changelist"), {"action__exact": "viewed"}
    )
    edit = client.post(
        reverse("admin:hipclinic_auditevent_change", args=[event.pk]), {"action": "x"}
    )
    delete = client.post(
        reverse("admin:hipclinic_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert edit.status_code == 403 and delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, action=AuditAction.VIEWED).exists()
