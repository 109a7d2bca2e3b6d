"""The admin with ids no page sends: an action's selection naming rows that are gone,
another clinic's or no id at all, and the "view on site" redirect with an id that is
no UUID. Each was a server error (issue 13, section 6)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from hipclinic.models import BackgroundJob
from patients.models import Handout, Patient
from tests.factories import (
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

HUGE = "1" * 30
PROGRAMMES = reverse("admin:patients_prescription_changelist")


@pytest.fixture
def programme(clinic, therapist):
    patient = PatientFactory(clinic=clinic)
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip set")
    PrescriptionItemFactory(prescription=programme)
    return programme


@pytest.fixture
def theirs(other_clinic):
    programme = PrescriptionFactory(patient=PatientFactory(clinic=other_clinic), title="Theirs")
    PrescriptionItemFactory(prescription=programme)
    return programme


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("selected", ["theirs", "999999", "abc", HUGE, ""])
def test_issuing_handouts_for_a_programme_the_user_cannot_see_issues_nothing_and_says_so(
    client, therapist, theirs, selected
):
    client.force_login(therapist)
    value = str(theirs.pk) if selected == "theirs" else selected

    response = client.post(
        PROGRAMMES, {"action": "issue_handouts", "_selected_action": [value]}, follow=True
    )

    assert response.status_code == 200
    assert (
        "Left out 1 selected programme that could not be found (removed, or not in your clinic)."
        in messages_of(response)
    )
    assert not Handout.objects.exists()
    assert not BackgroundJob.objects.exists()


def test_issuing_handouts_issues_the_visible_programme_and_leaves_out_the_rest(
    client, therapist, programme, theirs
):
    client.force_login(therapist)

    response = client.post(
        PROGRAMMES,
        {"action": "issue_handouts", "_selected_action": [programme.pk, theirs.pk, "abc"]},
        follow=True,
    )

    messages = messages_of(response)
    assert "Issued “Hip set” version 1." in messages
    assert (
        "Left out 2 selected programmes that could not be found (removed, or not in your clinic)."
        in messages
    )
    assert list(Handout.objects.values_list("prescription", flat=True)) == [programme.pk]


def test_deleting_patients_leaves_out_another_clinics_and_impossible_ids(
    client, clinic, other_clinic
):
    client.force_login(ManagerFactory(clinic=clinic))
    ours, mine_too = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    other = PatientFactory(clinic=other_clinic)

    response = client.post(
        reverse("admin:patients_patient_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [ours.pk, other.pk, HUGE, "abc"],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert set(Patient.objects.values_list("pk", flat=True)) == {mine_too.pk, other.pk}
    assert any("Left out 3 selected patients" in message for message in messages_of(response))


@pytest.mark.parametrize(
    "object_id", ["abc", "12345678-1234-5678-1234-567812345678", "1" * 40, "%00"]
)
def test_view_on_site_for_a_model_with_uuid_keys_is_a_404_for_any_id(client, object_id):
    client.force_login(SuperuserFactory())
    content_type = ContentType.objects.get_for_model(DBTaskResult)

    response = client.get(f"/admin/r/{content_type.pk}/{object_id}/")

    assert response.status_code == 404


def test_view_on_site_for_an_unknown_type_or_another_clinics_row_is_a_404(
    client, therapist, theirs
):
    client.force_login(therapist)
    patients = ContentType.objects.get_for_model(Patient)

    assert client.get(f"/admin/r/{HUGE}/1/").status_code == 404
    assert client.get(f"/admin/r/{patients.pk}/{theirs.patient.pk}/").status_code == 404
    assert client.get(f"/admin/r/{patients.pk}/{HUGE}/").status_code == 404
    assert reverse("admin:view_on_site", args=[patients.pk, 1]) == f"/admin/r/{patients.pk}/1/"


def test_view_on_site_asks_anonymous_visitors_to_log_in(client):
    content_type = ContentType.objects.get_for_model(DBTaskResult)

    response = client.get(f"/admin/r/{content_type.pk}/abc/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/admin/r/")
