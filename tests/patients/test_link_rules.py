"""A patient link changes only by the rules: created, extended within the maximum, or
revoked, through patients.links, in the app and in the admin alike, each change audited.

The attack these tests replay: in the admin's link form a therapist cleared
``revoked_at`` and set ``expires_at`` to 2099-12-31, so a revoked link opened again,
for 75 years, and nothing was audited.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hipclinic.models import AuditAction, AuditEvent
from patients.links import LinkRefused, create_link, extend_link, open_link, token_for
from patients.models import PatientLink
from tests.factories import PatientFactory, SuperuserFactory, UserFactory
from tests.hipclinic.test_admin_pages import admin_url, changelist_url

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(clinic=clinic, last_name="Okafor", primary_therapist=therapist)


@pytest.fixture
def link(patient, therapist):
    return create_link(patient, therapist, days=30)


@pytest.fixture
def revoked(link, therapist):
    link.revoked_at = timezone.now() - DAY
    link.save()
    return link


def link_events(link, action=None):
    events = AuditEvent.objects.filter(target_type="patients.patientlink", target_id=str(link.pk))
    return events.filter(action=action) if action else events


def days_left(link) -> float:
    return (link.expires_at - timezone.now()) / DAY


# --- The admin's link page ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["therapist", "superuser"])
def test_the_admin_form_cannot_reopen_a_revoked_link(client, therapist, revoked, who):
    client.force_login(therapist if who == "therapist" else SuperuserFactory())
    before = PatientLink.objects.values("revoked_at", "expires_at").get(pk=revoked.pk)
    events = link_events(revoked).count()

    response = client.post(
        admin_url(revoked),
        {
            "revoked_at_0": "",
            "revoked_at_1": "",
            "expires_at_0": "2099-12-31",
            "expires_at_1": "00:00:00",
        },
    )

    assert response.status_code == 403
    assert PatientLink.objects.values("revoked_at", "expires_at").get(pk=revoked.pk) == before
    assert open_link(token_for(revoked)) is None
    assert link_events(revoked).count() == events


def test_the_admin_link_page_shows_every_field_read_only(client, therapist, link):
    client.force_login(therapist)

    content = client.get(admin_url(link)).content.decode()

    for field in ("expires_at", "revoked_at", "use_count", "token_seed", "token_hash"):
        assert f'name="{field}' not in content
    assert link.token_seed not in content and link.token_hash not in content
    assert 'value="Extend this link"' in content and 'value="Revoke this link"' in content


def test_a_revoked_links_page_offers_no_changes(client, therapist, revoked):
    client.force_login(therapist)

    content = client.get(admin_url(revoked)).content.decode()

    assert "revoked" in content
    assert "Extend this link" not in content and "Revoke this link" not in content


def test_extending_in_the_admin_asks_for_days_then_extends_and_audits(client, therapist, link):
    client.force_login(therapist)
    selected = {"action": "extend", "_selected_action": [link.pk]}

    question = client.post(changelist_url(PatientLink), selected)
    answer = client.post(
        changelist_url(PatientLink),
        {**selected, "apply": "1", "days": "200"},
        REMOTE_ADDR="10.0.0.9",
    )

    link.refresh_from_db()
    event = link_events(link, AuditAction.EXTENDED).get()
    assert question.status_code == 200
    assert "Extend patient links" in question.content.decode()
    assert answer.status_code == 302
    assert round(days_left(link)) == 200
    assert (event.actor, event.clinic, event.ip_address) == (
        therapist,
        link.patient.clinic,
        "10.0.0.9",
    )


def test_the_admin_buttons_on_a_links_page_post_its_actions(client, therapist, link):
    client.force_login(therapist)
    content = client.get(admin_url(link)).content.decode()
    assert f'action="{changelist_url(PatientLink)}"' in content

    client.post(changelist_url(PatientLink), {"action": "revoke", "_selected_action": [link.pk]})

    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link_events(link, AuditAction.REVOKED).count() == 1


@pytest.mark.parametrize("days", ["366", "36500", "0", "-5", "abc", "1e308", "9" * 30])
def test_the_admin_refuses_to_extend_outside_the_limits(client, therapist, link, days):
    client.force_login(therapist)
    expires_at = link.expires_at

    response = client.post(
        changelist_url(PatientLink),
        {"action": "extend", "_selected_action": [link.pk], "apply": "1", "days": days},
    )

    link.refresh_from_db()
    assert response.status_code == 200
    assert "Please correct the error below." in response.content.decode()
    assert link.expires_at == expires_at
    assert not link_events(link, AuditAction.EXTENDED).exists()


def test_the_admin_does_not_extend_a_revoked_link_and_says_why(client, therapist, revoked):
    client.force_login(therapist)
    expires_at = revoked.expires_at

    response = client.post(
        changelist_url(PatientLink),
        {"action": "extend", "_selected_action": [revoked.pk], "apply": "1", "days": "90"},
        follow=True,
    )

    revoked.refresh_from_db()
    assert "is revoked and never opens again" in response.content.decode()
    assert revoked.expires_at == expires_at
    assert not link_events(revoked, AuditAction.EXTENDED).exists()


def test_links_are_neither_added_nor_deleted_in_the_admin(client, therapist, link):
    client.force_login(SuperuserFactory())

    add = client.get(reverse("admin:patients_patientlink_add"))
    delete = client.post(admin_url(link, "delete"), {"post": "yes"})

    assert (add.status_code, delete.status_code) == (403, 403)
    assert PatientLink.objects.filter(pk=link.pk).exists()


# --- The rules, in patients.links ----------------------------------------------------------


def test_extending_moves_the_expiry_to_days_from_now_and_audits(link, therapist):
    extend_link(link, therapist, days=365, ip="10.0.0.1")

    link.refresh_from_db()
    event = link_events(link, AuditAction.EXTENDED).get()
    assert round(days_left(link)) == 365
    assert (event.actor, event.ip_address) == (therapist, "10.0.0.1")


def test_an_expired_link_can_be_extended_since_handouts_print_it(link, therapist):
    PatientLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - DAY)

    extend_link(link, therapist, days=30)

    assert open_link(token_for(link)) is not None


@pytest.mark.parametrize(
    ("setup", "days", "message"),
    [
        ("live", 366, "at most 365 days"),
        ("live", 0, "at least 1 day"),
        ("live", 10, "already opens until"),
        ("revoked", 90, "revoked and never opens again"),
        ("discharged", 90, "discharged"),
    ],
)
def test_extending_is_refused_outside_the_rules(link, therapist, setup, days, message):
    if setup == "revoked":
        PatientLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    if setup == "discharged":
        link.patient.is_active = False
        link.patient.save()
    expires_at = PatientLink.objects.get(pk=link.pk).expires_at

    with pytest.raises(LinkRefused, match=message):
        extend_link(link, therapist, days=days)

    assert PatientLink.objects.get(pk=link.pk).expires_at == expires_at
    assert not link_events(link, AuditAction.EXTENDED).exists()


def test_a_stale_copy_cannot_extend_a_link_revoked_meanwhile(link, therapist):
    stale = PatientLink.objects.get(pk=link.pk)
    PatientLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())

    with pytest.raises(LinkRefused):
        extend_link(stale, therapist, days=90)

    assert PatientLink.objects.get(pk=link.pk).revoked_at is not None


def test_the_maximum_is_one_setting_that_creating_obeys_too(patient, therapist, settings):
    settings.PATIENT_LINK_MAX_DAYS = 30

    with pytest.raises(LinkRefused, match="at most 30 days"):
        create_link(patient, therapist, days=31)

    assert create_link(patient, therapist, days=30).is_live
    assert PatientLink.objects.filter(patient=patient).count() == 1


# --- The app's patient page ------------------------------------------------------------------


def test_staff_extend_a_link_from_the_patient_page(client, therapist, patient, link):
    client.force_login(therapist)
    page = client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()
    assert reverse("patients:link_extend", args=[link.pk]) in page

    response = client.post(
        reverse("patients:link_extend", args=[link.pk]), {"days": "120"}, follow=True
    )

    link.refresh_from_db()
    assert round(days_left(link)) == 120
    assert "The link now opens until" in response.content.decode()
    assert link_events(link, AuditAction.EXTENDED).get().actor == therapist


@pytest.mark.parametrize(
    ("days", "message"), [("400", "at most 365 days"), ("abc", "Enter a whole number")]
)
def test_the_patient_page_refuses_an_extension_past_the_maximum(
    client, therapist, link, days, message
):
    client.force_login(therapist)
    expires_at = link.expires_at

    response = client.post(
        reverse("patients:link_extend", args=[link.pk]), {"days": days}, follow=True
    )

    link.refresh_from_db()
    assert message in response.content.decode()
    assert link.expires_at == expires_at
    assert not link_events(link, AuditAction.EXTENDED).exists()


def test_the_patient_page_does_not_reopen_a_revoked_link(client, therapist, patient, revoked):
    client.force_login(therapist)
    page = client.get(reverse("patients:patient_detail", args=[patient.pk])).content.decode()

    response = client.post(
        reverse("patients:link_extend", args=[revoked.pk]), {"days": "90"}, follow=True
    )

    assert reverse("patients:link_extend", args=[revoked.pk]) not in page
    assert "is revoked and never opens again" in response.content.decode()
    assert open_link(token_for(revoked)) is None


def test_another_clinics_staff_cannot_extend_a_link(client, other_clinic, link):
    client.force_login(UserFactory(clinic=other_clinic))
    expires_at = link.expires_at

    response = client.post(reverse("patients:link_extend", args=[link.pk]), {"days": "200"})

    link.refresh_from_db()
    assert response.status_code == 404
    assert link.expires_at == expires_at


def test_creating_and_revoking_in_the_app_are_audited_with_the_address(client, therapist, patient):
    client.force_login(therapist)

    client.post(
        reverse("patients:link_create", args=[patient.pk]), {"days": "30"}, REMOTE_ADDR="10.0.0.5"
    )
    link = PatientLink.objects.get(patient=patient)
    client.post(reverse("patients:link_revoke", args=[link.pk]), REMOTE_ADDR="10.0.0.5")

    events = link_events(link).order_by("pk").values_list("action", "actor", "ip_address")
    assert list(events) == [
        (AuditAction.CREATED, therapist.pk, "10.0.0.5"),
        (AuditAction.REVOKED, therapist.pk, "10.0.0.5"),
    ]


def test_the_admin_extends_no_link_of_another_clinic(client, other_clinic, link):
    client.force_login(UserFactory(clinic=other_clinic))
    expires_at = link.expires_at

    client.post(
        changelist_url(PatientLink),
        {"action": "extend", "_selected_action": [link.pk], "apply": "1", "days": "300"},
    )

    link.refresh_from_db()
    assert link.expires_at == expires_at
    assert not link_events(link, AuditAction.EXTENDED).exists()
