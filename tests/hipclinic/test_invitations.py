"""Invitations (issue 22 §1): a manager invites, the colleague accepts with their own
password and signs in; used, withdrawn and expired links are refused with a clear page;
a therapist cannot invite; an invitation is for the inviter's clinic only."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent, Invitation, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "a fresh stretch every morning"


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+", message.body)
    return link.split("testserver", 1)[1]


def invite(client, manager, email="kim@example.com", **extra):
    client.force_login(manager)
    return client.post("/invitations/", {"email": email, "role": Role.THERAPIST, **extra})


def accept(link: str, username="kim"):
    newcomer = Client()
    response = newcomer.post(
        link, {"username": username, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    return newcomer, response


def test_a_manager_invites_and_the_colleague_joins_with_their_own_password(client, manager):
    assert invite(client, manager).status_code == 302
    (message,) = mail.outbox
    assert message.to == ["kim@example.com"]

    newcomer, response = accept(link_in(message))

    assert response.status_code == 302
    kim = User.objects.get(username="kim")
    assert (kim.clinic, kim.role, kim.is_staff) == (manager.clinic, Role.THERAPIST, True)
    assert kim.check_password(PASSWORD)
    assert newcomer.get("/patients/").status_code == 200
    assert Client().post("/login/", {"username": "kim", "password": PASSWORD}).status_code == 302
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.INVITED, AuditAction.INVITATION_ACCEPTED} <= actions


def test_the_invitee_password_must_pass_the_validators(client, manager):
    invite(client, manager)
    newcomer = Client()
    response = newcomer.post(
        link_in(mail.outbox[0]),
        {"username": "kim", "new_password1": "123", "new_password2": "123"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="kim").exists()


def test_a_used_link_is_refused_with_a_clear_page(client, manager):
    invite(client, manager)
    link = link_in(mail.outbox[0])
    accept(link)

    _, again = accept(link, username="kim2")

    assert again.status_code == 404
    assert "This invitation no longer works" in again.content.decode()
    assert not User.objects.filter(username="kim2").exists()


def test_an_expired_link_is_refused_with_a_clear_page(client, manager):
    invite(client, manager)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = Client().get(link_in(mail.outbox[0]))

    assert response.status_code == 404
    assert "This invitation no longer works" in response.content.decode()


def test_a_withdrawn_or_resent_invitation_old_link_stops_working(client, manager):
    invite(client, manager)
    invitation = Invitation.objects.get()
    first = link_in(mail.outbox[0])
    client.post(f"/invitations/{invitation.pk}/resend")
    second = link_in(mail.outbox[1])
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200

    client.post(f"/invitations/{invitation.pk}/withdraw")

    assert Client().get(second).status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.INVITATION_RESENT, AuditAction.INVITATION_WITHDRAWN} <= actions


def test_a_therapist_cannot_invite(client, therapist):
    client.force_login(therapist)

    assert client.get("/invitations/").status_code == 403
    assert (
        client.post("/invitations/", {"email": "x@example.com", "role": "manager"}).status_code
        == 403
    )
    assert not Invitation.objects.exists()


def test_an_invitation_is_for_the_inviters_clinic_whatever_is_posted(client, manager, other_clinic):
    invite(client, manager, clinic=other_clinic.pk)

    assert Invitation.objects.get().clinic == manager.clinic
    accept(link_in(mail.outbox[0]))
    assert User.objects.get(username="kim").clinic == manager.clinic


def test_a_manager_of_another_clinic_cannot_touch_the_invitation(client, manager, other_clinic):
    from tests.factories import ManagerFactory

    invite(client, manager)
    invitation = Invitation.objects.get()
    other = Client()
    other.force_login(ManagerFactory(clinic=other_clinic))

    assert other.post(f"/invitations/{invitation.pk}/withdraw").status_code == 404
    assert "kim@example.com" not in other.get("/invitations/").content.decode()
    invitation.refresh_from_db()
    assert invitation.is_pending
