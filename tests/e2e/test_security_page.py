"""The security page in a browser: it fits a phone and a desktop, passes the accessibility
check, and "Sign out" on one device sends the other to the sign-in page."""

import os

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import ARTIFACTS, accessibility_violations, log_in
from tests.factories import PASSWORD
from tests.hipclinic.test_two_factor import code_for


@pytest.mark.parametrize("width", [390, 1280])
def test_signing_out_another_device_from_the_security_page(new_page, base_url, therapist, width):
    phone = new_page(width=390, height=844)
    log_in(phone, base_url, therapist)
    page = new_page(width=width, height=900)
    log_in(page, base_url, therapist)

    menu = page.get_by_role("button", name="Show navigation")
    if menu.is_visible():  # a phone's navigation folds away
        menu.click()
        # Clicked while it still unfolds, the link sometimes took no click (1 run in 8).
        page.locator("#main-nav.show").wait_for()
    page.get_by_role("link", name="Sam Rivera").click()
    page.wait_for_url(f"{base_url}/account/security/")
    sessions = page.locator("#sessions > li")
    assert sessions.count() == 2
    assert "This device" in sessions.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert accessibility_violations(page) == []
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"security-{width}.png"), full_page=True)

    sessions.nth(1).get_by_role("button", name="Sign out").click()
    page.get_by_text("Signed out of").wait_for()
    assert page.locator("#sessions > li").count() == 1

    phone.goto(f"{base_url}/patients/")
    assert phone.url.startswith(f"{base_url}/login/")


@pytest.mark.parametrize("width", [390, 1280])
def test_an_enrolled_users_devices_and_recovery_codes(new_page, base_url, therapist, width):
    device = TOTPDevice.objects.create(user=therapist, name="Authenticator app", confirmed=True)
    codes = StaticDevice.objects.create(user=therapist, name="Recovery codes", confirmed=True)
    for token in ["aaaa1111", "bbbb2222"]:
        codes.token_set.create(token=token)
    page = new_page(width=width, height=900)
    page.goto(f"{base_url}/login/?next=/account/security/")
    page.get_by_label("Username").fill(therapist.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/account/security/")

    assert "Authenticator app" in page.locator("#devices").inner_text()
    assert "2 recovery codes left" in page.locator("#codes-left").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert accessibility_violations(page) == []
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"security-enrolled-{width}.png"), full_page=True)

    page.get_by_role("link", name="Make new recovery codes").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Make new codes").click()
    assert page.locator("#recovery-codes li").count() == 10
