"""Programmes keep their history: who changed what, readable in the admin, never reverted."""

import pytest
from django.urls import reverse

from patients.models import Prescription
from tests.csp import inline_code
from tests.factories import ExerciseFactory, PatientFactory, PrescriptionFactory
from tests.patients.test_programme_views import builder_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(clinic, therapist):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic), therapist=therapist, title="Hip set"
    )
    return programme


def test_a_builder_save_records_who_changed_what(client, therapist, programme, clinic):
    bridge = ExerciseFactory(clinic=clinic, name="Bridge")
    client.force_login(therapist)
    data = builder_data(
        programme,
        title="Hip set, week 2",
        rows=[{"key": "new-1", "exercise": bridge.pk, "hold_unit": "seconds"}],
    )

    client.post(reverse("patients:programme_edit", args=[programme.pk]), data)

    latest, first = Prescription.history.filter(id=programme.pk).order_by("-history_id")[:2]
    assert latest.history_user == therapist
    changed = {
        change.field: (change.old, change.new) for change in latest.diff_against(first).changes
    }
    assert changed["title"] == ("Hip set", "Hip set, week 2")
    assert (first.revision, latest.revision) == (1, 2)
    (item,) = programme.items.all()
    (added,) = item.history.all()
    assert (added.history_type, added.history_user, added.exercise_id) == (
        "+",
        therapist,
        bridge.pk,
    )


def test_managers_read_a_programmes_history_in_the_admin_but_cannot_revert(
    client, manager, programme
):
    old = Prescription.history.filter(id=programme.pk).earliest("history_id")
    Prescription.objects.filter(pk=programme.pk).update(title="Now")
    client.force_login(manager)

    page = client.get(reverse("admin:patients_prescription_history", args=[programme.pk]))
    revert = client.post(
        reverse("admin:patients_prescription_simple_history", args=[programme.pk, old.pk]),
        {"title": "Hip set"},
    )

    assert page.status_code == 200 and "Hip set" in page.content.decode()
    assert revert.status_code in (200, 403)
    assert Prescription.objects.get(pk=programme.pk).title == "Now"


def test_the_history_pages_hold_nothing_the_content_security_policy_refuses(
    client, manager, programme
):
    Prescription.objects.filter(pk=programme.pk).update(title="Now")
    old = Prescription.history.filter(id=programme.pk).earliest("history_id")
    client.force_login(manager)

    history = client.get(reverse("admin:patients_prescription_history", args=[programme.pk]))
    version = client.get(
        reverse("admin:patients_prescription_simple_history", args=[programme.pk, old.pk])
    )

    assert history.status_code == version.status_code == 200
    assert "unsafe-inline" not in history["Content-Security-Policy"]
    assert inline_code(history.content.decode()) == []
    assert inline_code(version.content.decode()) == []
    assert 'class="paginator history-paginator"' in history.content.decode()
