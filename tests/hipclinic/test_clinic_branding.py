"""Changing what a handout prints of the clinic (its name, contact details, footer or logo)
asks first: a page says how many current handouts will be issued again with the new
heading, and nothing is saved until the manager confirms. Also the clinic's time zone,
a choice from a list."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from hipclinic.models import BackgroundJob, Clinic
from patients import handouts
from patients.models import Handout, PrescriptionStatus
from tests.factories import (
    HandoutFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.hipclinic.test_admin_pages import form_data

pytestmark = pytest.mark.django_db

NEW_NAME = "Northside Physio & Pilates"


class HiddenInputs(HTMLParser):
    """The hidden inputs of the page's confirmation form, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.data: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "confirm-branding-form"
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.data.setdefault(attrs["name"], []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def confirmation_form(response) -> dict[str, list[str]]:
    """What pressing Confirm on the asking page posts; empty when the page did not ask."""
    parser = HiddenInputs()
    parser.feed(response.content.decode())
    return parser.data


def change_url(clinic) -> str:
    return reverse("admin:hipclinic_clinic_change", args=[clinic.pk])


def current_programme(clinic, **kwargs):
    programme = PrescriptionFactory(
        patient=kwargs.pop("patient", None) or PatientFactory(clinic=clinic),
        status=kwargs.pop("status", PrescriptionStatus.ACTIVE),
        **kwargs,
    )
    PrescriptionItemFactory(prescription=programme)
    return programme


@pytest.fixture
def manager(clinic):
    return ManagerFactory(clinic=clinic)


@pytest.fixture
def new_heading(clinic):
    return {**clinic.handout_heading(), "name": NEW_NAME}


@pytest.fixture
def programmes(clinic, other_clinic, new_heading):
    """Programmes of every kind a branding change meets; two are issued again."""
    issued = current_programme(clinic, title="Issued")
    handouts.issue_handout(issued, issued.therapist)
    current_programme(clinic, title="Never issued")
    in_new_branding = current_programme(clinic, title="Already in the new branding")
    HandoutFactory(prescription=in_new_branding, revision=1, snapshot={"clinic": new_heading})
    # Its latest handout is what counts: issued in the old branding after one in the new.
    issued_again = current_programme(clinic, title="New then old")
    HandoutFactory(prescription=issued_again, revision=1, snapshot={"clinic": new_heading})
    handouts.issue_handout(issued_again, issued_again.therapist)
    ended = current_programme(clinic, status=PrescriptionStatus.ENDED, title="Ended")
    HandoutFactory(prescription=ended, revision=1, snapshot={"clinic": {"name": "Old"}})
    discharged = current_programme(
        clinic, patient=PatientFactory(clinic=clinic, is_active=False), title="Discharged"
    )
    HandoutFactory(prescription=discharged, revision=1, snapshot={"clinic": {"name": "Old"}})
    elsewhere = current_programme(other_clinic, title="Other clinic")
    HandoutFactory(prescription=elsewhere, revision=1, snapshot={"clinic": {"name": "Old"}})
    return {"issued": issued, "issued_again": issued_again, "in_new_branding": in_new_branding}


def test_a_new_name_asks_first_and_counts_the_handouts_it_would_issue_again(
    client, clinic, manager, programmes
):
    client.force_login(manager)
    data = form_data(client.get(change_url(clinic))) | {"name": NEW_NAME}

    response = client.post(change_url(clinic), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 current handouts will be issued again with the new heading." in page
    assert "Confirm: save, and issue again" in page and "Cancel" in page
    assert Clinic.objects.get(pk=clinic.pk).name == "Northside Physio"  # nothing saved yet
    assert Handout.objects.count() == 7
    assert not BackgroundJob.objects.exists()


def test_confirming_saves_and_issues_again_exactly_the_handouts_counted(
    client, clinic, manager, programmes
):
    client.force_login(manager)
    data = form_data(client.get(change_url(clinic))) | {"name": NEW_NAME}
    asked = client.post(change_url(clinic), data)
    before = set(Handout.objects.values_list("pk", flat=True))

    response = client.post(change_url(clinic), confirmation_form(asked), follow=True)

    assert response.status_code == 200
    assert Clinic.objects.get(pk=clinic.pk).name == NEW_NAME
    issued = Handout.objects.exclude(pk__in=before)
    assert sorted(issued.values_list("prescription__title", flat=True)) == [
        "Issued",
        "New then old",
    ]
    assert {handout.issued_by for handout in issued} == {manager}
    assert all(handout.snapshot["clinic"]["name"] == NEW_NAME for handout in issued)


def test_cancel_goes_back_to_the_clinic_unchanged(client, clinic, manager, programmes):
    client.force_login(manager)
    before = (clinic.name, clinic.phone)
    data = form_data(client.get(change_url(clinic))) | {"name": NEW_NAME, "phone": "0123"}
    asked = client.post(change_url(clinic), data)

    cancel = f'href="{change_url(clinic)}" class="button cancel-link"'
    page = client.get(change_url(clinic))

    assert cancel in asked.content.decode()
    assert page.context["adminform"].form["name"].value() == "Northside Physio"
    clinic.refresh_from_db()
    assert (clinic.name, clinic.phone) == before
    assert Handout.objects.count() == 7


def test_a_branding_change_that_reaches_no_handout_saves_at_once(client, clinic, manager):
    client.force_login(manager)
    data = form_data(client.get(change_url(clinic))) | {"name": NEW_NAME}

    response = client.post(change_url(clinic), data)

    assert response.status_code == 302
    assert Clinic.objects.get(pk=clinic.pk).name == NEW_NAME


def test_a_change_handouts_do_not_print_saves_without_asking(client, clinic, manager, programmes):
    client.force_login(manager)
    data = form_data(client.get(change_url(clinic))) | {"nudge_after_days": "5"}

    response = client.post(change_url(clinic), data)

    assert response.status_code == 302
    assert Clinic.objects.get(pk=clinic.pk).nudge_after_days == 5


def test_the_time_zone_is_a_choice_from_the_list(client, clinic, manager):
    client.force_login(manager)
    page = client.get(change_url(clinic))
    data = form_data(page)

    refused = client.post(change_url(clinic), data | {"timezone": "Europe/Londn"})
    saved = client.post(change_url(clinic), data | {"timezone": "America/New_York"})

    html = page.content.decode()
    assert '<select name="timezone"' in html
    assert '<option value="Europe/London">Europe/London</option>' in html
    assert '<option value="America/New_York">America/New York</option>' in html
    assert "Select a valid choice. Europe/Londn is not one of the available choices." in (
        refused.content.decode()
    )
    assert saved.status_code == 302
    assert Clinic.objects.get(pk=clinic.pk).timezone == "America/New_York"
