"""The audit trail keeps its actors: an account that did something is deactivated,
never deleted.

The finding these tests replay: deleting a user in the admin set the actor of all
their audit events to NULL, so the trail no longer said who had done what.
"""

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent, User
from tests.factories import PASSWORD, PatientFactory, SuperuserFactory, UserFactory
from tests.hipclinic.test_admin_pages import admin_url, changelist_url

pytestmark = pytest.mark.django_db

KEPT = "The audit trail records what they did, so their accounts are kept."


@pytest.fixture
def superuser():
    return SuperuserFactory()


@pytest.fixture
def event(therapist):
    """The therapist viewed a patient's record: one event with them as its actor."""
    patient = PatientFactory(clinic=therapist.clinic)
    return AuditEvent.record(AuditAction.VIEWED, patient, actor=therapist, clinic=therapist.clinic)


def test_deleting_a_user_with_audit_events_is_refused_with_a_clear_message(
    client, superuser, therapist, event
):
    client.force_login(superuser)

    page = client.get(admin_url(therapist, "delete"))
    response = client.post(admin_url(therapist, "delete"), {"post": "yes"}, follow=True)

    assert page.status_code == 302 and page.url == admin_url(therapist)
    assert KEPT in response.content.decode()
    assert "Deactivate them instead" in response.content.decode()
    assert User.objects.filter(pk=therapist.pk).exists()
    event.refresh_from_db()
    assert event.actor == therapist


def test_a_user_with_audit_events_has_no_delete_link(client, superuser, therapist, event):
    client.force_login(superuser)

    content = client.get(admin_url(therapist)).content.decode()

    assert admin_url(therapist, "delete") not in content


def test_the_bulk_delete_refuses_a_selection_with_audit_events(
    client, superuser, therapist, event, clinic
):
    idle = UserFactory(clinic=clinic, username="never-signed-in")
    client.force_login(superuser)

    response = client.post(
        changelist_url(User),
        {"action": "delete_selected", "_selected_action": [therapist.pk, idle.pk], "post": "yes"},
        follow=True,
    )

    assert KEPT in response.content.decode()
    assert therapist.username in response.content.decode()
    assert User.objects.filter(pk__in=[therapist.pk, idle.pk]).count() == 2
    event.refresh_from_db()
    assert event.actor == therapist


def test_an_account_that_never_acted_can_still_be_deleted(client, superuser, clinic):
    idle = UserFactory(clinic=clinic)
    client.force_login(superuser)

    response = client.post(
        changelist_url(User),
        {"action": "delete_selected", "_selected_action": [idle.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=idle.pk).exists()


def test_the_models_refuse_to_delete_an_actor_too(therapist, event):
    with pytest.raises(ProtectedError):
        therapist.delete()

    event.refresh_from_db()
    assert event.actor == therapist


def test_deactivating_ends_the_account_and_keeps_its_trail(client, manager, therapist, event):
    therapists_session = Client()
    therapists_session.force_login(therapist)
    assert therapists_session.get(reverse("patients:today")).status_code == 200
    client.force_login(manager)

    response = client.post(
        changelist_url(User),
        {"action": "deactivate", "_selected_action": [therapist.pk]},
        REMOTE_ADDR="10.0.0.3",
        follow=True,
    )

    therapist.refresh_from_db()
    event.refresh_from_db()
    assert "Deactivated 1 user." in response.content.decode()
    assert not therapist.is_active
    assert event.actor == therapist
    change = AuditEvent.objects.get(action=AuditAction.CHANGED, target_id=str(therapist.pk))
    assert (change.actor, change.ip_address) == (manager, "10.0.0.3")
    # Their open session ends with its next request, and they cannot sign in again.
    assert therapists_session.get(reverse("patients:today")).status_code == 302
    login = Client().post(reverse("login"), {"username": therapist.username, "password": PASSWORD})
    assert login.status_code == 200
    assert "That username and password do not match an account." in login.content.decode()


def test_a_manager_cannot_deactivate_their_own_account(client, manager):
    client.force_login(manager)

    response = client.post(
        changelist_url(User),
        {"action": "deactivate", "_selected_action": [manager.pk]},
        follow=True,
    )

    manager.refresh_from_db()
    assert manager.is_active
    assert "Your own account stays active." in response.content.decode()


def test_a_therapist_cannot_deactivate_anyone(client, therapist, manager):
    client.force_login(therapist)

    client.post(changelist_url(User), {"action": "deactivate", "_selected_action": [manager.pk]})

    manager.refresh_from_db()
    assert manager.is_active
