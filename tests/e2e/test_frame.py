"""The app's frame in a real browser: logging in and out, navigation, accessibility."""

import pytest

from tests.e2e.conftest import accessibility_violations, log_in
from tests.factories import PASSWORD


@pytest.fixture
def therapist(transactional_db, clinic):
    from tests.factories import UserFactory

    return UserFactory(clinic=clinic, username="sam")


def test_login_page_and_today_pass_an_accessibility_check(page, base_url, therapist):
    page.goto(f"{base_url}/login/")
    assert accessibility_violations(page) == []

    log_in(page, base_url, therapist)

    assert page.get_by_role("heading", name="Today").is_visible()
    assert (
        page.get_by_role("navigation", name="Main").get_by_text(therapist.clinic.name).is_visible()
    )
    assert accessibility_violations(page) == []


def test_a_wrong_password_says_so_and_logs_nobody_in(page, base_url, therapist):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Log in").click()

    assert page.get_by_role("alert").inner_text().startswith("That username and password")
    page.goto(f"{base_url}/patients/")
    assert "/login/" in page.url


def test_log_out_ends_the_session(page, base_url, therapist):
    log_in(page, base_url, therapist)
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base_url}/patients/")
    assert "/login/" in page.url


def test_logging_out_says_so_on_the_login_page(page, base_url, therapist):
    log_in(page, base_url, therapist)
    page.get_by_role("button", name="Log out").click()

    page.get_by_text("You have logged out.").wait_for()
    assert page.get_by_role("button", name="Log in").is_visible()
