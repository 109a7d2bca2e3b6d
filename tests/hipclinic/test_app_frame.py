"""The frame around every app page: who gets in, and what the navigation offers them."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_opens_without_a_login(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "Log in to hipclinic" in response.content.decode()


def test_a_logged_in_user_who_is_not_staff_is_refused(client, clinic):
    client.force_login(UserFactory(clinic=clinic, is_staff=False))

    assert client.get(reverse("patients:today")).status_code == 403


def test_navigation_shows_the_clinic_and_the_user(client, therapist):
    client.force_login(therapist)

    html = client.get(reverse("patients:today")).content.decode()

    assert therapist.clinic.name in html
    assert str(therapist) in html
    for section in ("Today", "Patients", "Library", "Protocols"):
        assert f">{section}</a>" in html


@pytest.mark.parametrize(("role", "sees_admin"), [("therapist", False), ("manager", True)])
def test_only_managers_get_the_admin_link(client, request, role, sees_admin):
    client.force_login(request.getfixturevalue(role))

    html = client.get(reverse("patients:today")).content.decode()

    assert (">Admin</a>" in html) is sees_admin


def test_the_current_section_is_marked_for_screen_readers(client, therapist):
    client.force_login(therapist)

    html = client.get(reverse("exercises:exercise_list")).content.decode()

    assert 'active" aria-current="page" href="/library/">Library</a>' in html


def test_logging_out_needs_a_post_and_ends_the_session(client, therapist):
    client.force_login(therapist)

    response = client.post(reverse("logout"), follow=True)

    assert "You have logged out." in response.content.decode()
    assert client.get(reverse("patients:today")).status_code == 302
