"""Records the admin shows but does not let staff rewrite: issued handouts, patient
links (revocable) and patients' session logs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent
from patients.models import Handout, PatientLink
from tests.factories import (
    HandoutFactory,
    PatientLinkFactory,
    SessionLogFactory,
    SuperuserFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, changelist_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["therapist", "manager", "superuser"])
def test_issued_handout_cannot_be_changed_or_deleted(client, therapist, manager, who):
    user = {"therapist": therapist, "manager": manager, "superuser": SuperuserFactory()}[who]
    handout = HandoutFactory(prescription__patient__clinic=therapist.clinic, sha256="a" * 64)
    client.force_login(user)

    page = client.get(admin_url(handout))
    edit = client.post(admin_url(handout), {"sha256": "b" * 64, "revision": 9})
    delete = client.post(admin_url(handout, "delete"), {"post": "yes"})

    handout.refresh_from_db()
    assert page.status_code == 200
    assert "a" * 64 in page.content.decode()
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert handout.sha256 == "a" * 64


def test_handout_list_shows_patient_and_revision(client, therapist):
    HandoutFactory(
        prescription__patient__clinic=therapist.clinic,
        prescription__patient__last_name="Okafor",
        prescription__title="Hip programme",
        revision=3,
    )
    client.force_login(therapist)

    content = client.get(changelist_url(Handout)).content.decode()

    assert "Hip programme, version 3" in content
    assert "Okafor" in content


def test_patient_links_are_not_created_in_the_admin(client, manager):
    client.force_login(manager)

    response = client.get(reverse("admin:patients_patientlink_add"))

    assert response.status_code == 403


def test_patient_link_page_never_shows_the_token_hash(client, therapist):
    link = PatientLinkFactory(patient__clinic=therapist.clinic)
    client.force_login(therapist)

    content = client.get(admin_url(link)).content.decode()

    assert link.token_hash not in content


def test_revoking_links_marks_them_and_records_who_did_it(client, therapist):
    link = PatientLinkFactory(patient__clinic=therapist.clinic)
    client.force_login(therapist)

    response = client.post(
        changelist_url(PatientLink),
        {"action": "revoke", "_selected_action": [link.pk]},
        REMOTE_ADDR="10.0.0.7",
    )

    link.refresh_from_db()
    event = AuditEvent.objects.exclude(action=AuditAction.LOGGED_IN).get()
    assert response.status_code == 302
    assert link.revoked_at is not None
    assert (event.action, event.actor, event.clinic) == (
        AuditAction.REVOKED,
        therapist,
        therapist.clinic,
    )
    assert (event.target_type, event.target_id, event.ip_address) == (
        "patients.patientlink",
        str(link.pk),
        "10.0.0.7",
    )


def test_revoking_an_already_revoked_link_keeps_its_first_revocation(client, therapist):
    first = timezone.now() - datetime.timedelta(days=3)
    link = PatientLinkFactory(patient__clinic=therapist.clinic, revoked_at=first)
    client.force_login(therapist)

    client.post(changelist_url(PatientLink), {"action": "revoke", "_selected_action": [link.pk]})

    link.refresh_from_db()
    assert link.revoked_at == first
    assert not AuditEvent.objects.filter(action=AuditAction.REVOKED).exists()


@pytest.mark.parametrize(("status", "shown"), [("open", "Open link"), ("revoked", "Revoked link")])
def test_links_filter_by_status(client, therapist, status, shown):
    PatientLinkFactory(patient__clinic=therapist.clinic, patient__last_name="Open link")
    PatientLinkFactory(
        patient__clinic=therapist.clinic,
        patient__last_name="Revoked link",
        revoked_at=timezone.now(),
    )
    client.force_login(therapist)

    content = client.get(changelist_url(PatientLink), {"status": status}).content.decode()

    hidden = {"Open link", "Revoked link"} - {shown}
    assert shown in content
    assert hidden.pop() not in content


def test_therapist_reads_session_logs_but_cannot_change_them(client, therapist):
    log = SessionLogFactory(patient__clinic=therapist.clinic, pain=4, note="Stiff morning")
    client.force_login(therapist)

    listed = client.get(changelist_url(type(log))).content.decode()
    edit = client.post(admin_url(log), {"pain": 0})

    log.refresh_from_db()
    assert "Stiff morning" in listed
    assert edit.status_code == 403
    assert log.pain == 4
