"""A patient link's state (open, expired, revoked, patient discharged) has one definition,
``LinkState`` with ``PatientLinkQuerySet.with_state`` and ``PatientLink.state``, and every
page shows it the same way.

The drift these tests pin: the admin's status column and filter once worked the state out
on their own and forgot discharge, so a discharged patient's link read "open" in the admin
(listed under "Open" too) while it no longer opened for the patient.
"""

import datetime
import itertools
import secrets

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from patients.links import hash_token, open_link, token_for
from patients.models import LinkState, PatientLink
from tests.factories import PatientFactory, PatientLinkFactory
from tests.hipclinic.test_admin_pages import admin_url, changelist_url

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def make_link(clinic, *, revoked=False, expired=False, discharged=False, **patient):
    now = timezone.now()
    link = PatientLinkFactory.build(
        patient=PatientFactory(clinic=clinic, is_active=not discharged, **patient),
        token_seed=secrets.token_hex(32),
        revoked_at=now - DAY if revoked else None,
        expires_at=now - DAY if expired else now + 30 * DAY,
    )
    link.token_hash = hash_token(token_for(link))
    link.save()
    return link


def expected_state(revoked: bool, expired: bool, discharged: bool) -> LinkState:
    """The precedence LinkState's docstring gives, written out for the test."""
    if revoked:
        return LinkState.REVOKED
    if discharged:
        return LinkState.DISCHARGED
    if expired:
        return LinkState.EXPIRED
    return LinkState.OPEN


@pytest.fixture
def discharged(clinic):
    """A link that would open, but its patient has been discharged."""
    return make_link(clinic, discharged=True, last_name="Discharged-Okafor")


# --- One rule, in SQL and in Python -------------------------------------------------------


@pytest.mark.parametrize(
    ("revoked", "expired", "discharged"), list(itertools.product([False, True], repeat=3))
)
def test_the_database_and_the_link_agree_on_its_state(clinic, revoked, expired, discharged):
    link = make_link(clinic, revoked=revoked, expired=expired, discharged=discharged)
    expected = expected_state(revoked, expired, discharged)

    in_sql = (
        PatientLink.objects.with_state()
        .annotate(state_in_sql=F("state"))
        .values_list("state_in_sql", flat=True)
        .get(pk=link.pk)
    )
    in_python = PatientLink.objects.get(pk=link.pk).state

    assert in_sql == in_python == expected
    assert PatientLink.objects.with_state().filter(state=expected).get() == link
    assert link.is_live == (expected == LinkState.OPEN)
    assert PatientLink.objects.live().filter(pk=link.pk).exists() == link.is_live
    assert (open_link(token_for(link)) is not None) == link.is_live


def test_a_link_reads_its_state_afresh_after_a_change(clinic):
    link = make_link(clinic)
    assert link.state == LinkState.OPEN

    link.patient.is_active = False
    link.patient.save()

    assert link.state == LinkState.DISCHARGED


# --- The admin shows the same state ---------------------------------------------------------


def test_the_admin_list_shows_a_discharged_patients_link_as_discharged(
    client, therapist, discharged
):
    client.force_login(therapist)

    content = client.get(changelist_url(PatientLink)).content.decode()

    assert "Discharged-Okafor" in content
    assert '<td class="field-status">Patient discharged</td>' in content
    assert '<td class="field-status">Open</td>' not in content


EVERY_LINK = {"Open-link", "Expired-link", "Revoked-link", "Discharged-link", "Lapsed-link"}


@pytest.mark.parametrize(
    ("status", "listed"),
    [
        ("open", {"Open-link"}),
        ("expired", {"Expired-link"}),
        ("revoked", {"Revoked-link"}),
        ("discharged", {"Discharged-link", "Lapsed-link"}),
        (None, EVERY_LINK),
    ],
)
def test_the_admin_filter_lists_each_link_under_its_one_state(client, therapist, status, listed):
    clinic = therapist.clinic
    make_link(clinic, last_name="Open-link")
    make_link(clinic, expired=True, last_name="Expired-link")
    make_link(clinic, revoked=True, discharged=True, last_name="Revoked-link")
    make_link(clinic, discharged=True, last_name="Discharged-link")
    make_link(clinic, expired=True, discharged=True, last_name="Lapsed-link")
    client.force_login(therapist)

    query = {"status": status} if status else {}
    content = client.get(changelist_url(PatientLink), query).content.decode()

    assert {name for name in EVERY_LINK if name in content} == listed


def test_the_admin_filter_offers_the_four_states(client, therapist, discharged):
    client.force_login(therapist)

    content = client.get(changelist_url(PatientLink)).content.decode()

    for state in LinkState:
        assert f"?status={state.value}" in content
        assert f">{state.label}</a>" in content


def test_the_admin_orders_links_by_state(client, therapist):
    for last_name, setup in [
        ("Zed-open", {}),
        ("Yan-revoked", {"revoked": True}),
        ("Xu-expired", {"expired": True}),
        ("Wu-discharged", {"discharged": True}),
    ]:
        make_link(therapist.clinic, last_name=last_name, **setup)
    client.force_login(therapist)

    # Column 5 is "status" (0 is the checkbox); states sort by their stored names.
    content = client.get(changelist_url(PatientLink), {"o": "5"}).content.decode()

    names = ["Wu-discharged", "Xu-expired", "Zed-open", "Yan-revoked"]
    positions = [content.index(name) for name in names]
    assert positions == sorted(positions)


def test_the_admin_link_page_shows_a_discharged_patients_link_as_discharged(
    client, therapist, discharged
):
    client.force_login(therapist)

    content = client.get(admin_url(discharged)).content.decode()

    assert '<div class="readonly">Patient discharged</div>' in content
    assert "Extend this link" not in content


# --- The app's patient page -----------------------------------------------------------------


def test_the_patient_page_shows_a_discharged_patients_link_as_discharged(
    client, therapist, discharged
):
    client.force_login(therapist)

    page = client.get(reverse("patients:patient_detail", args=[discharged.patient.pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert '<span class="badge text-bg-secondary">Patient discharged</span>' in content
    assert "Expired</span>" not in content and "Open</span>" not in content


@pytest.mark.parametrize(
    ("setup", "label"),
    [({}, "Open"), ({"expired": True}, "Expired"), ({"revoked": True}, "Revoked")],
)
def test_the_patient_page_labels_each_link_as_the_admin_does(client, therapist, setup, label):
    link = make_link(therapist.clinic, **setup)
    client.force_login(therapist)

    app = client.get(reverse("patients:patient_detail", args=[link.patient.pk])).content.decode()
    admin = client.get(changelist_url(PatientLink)).content.decode()

    assert f">{label}</span>" in app
    assert f'<td class="field-status">{label}</td>' in admin


def test_the_admin_extend_question_names_links_that_do_not_open(client, therapist, discharged):
    live = make_link(therapist.clinic, last_name="Still-in-care")
    client.force_login(therapist)

    question = client.post(
        changelist_url(PatientLink),
        {"action": "extend", "_selected_action": [discharged.pk, live.pk]},
    ).content.decode()

    assert "Discharged-Okafor, created" in question
    assert "(patient discharged)</li>" in question
    assert "(open)" not in question
