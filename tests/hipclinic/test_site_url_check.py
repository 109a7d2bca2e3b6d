"""The system check that SITE_URL, which every patient's link is built on, names a host
this server answers to."""

import pytest
from django.core.checks import run_checks

from hipclinic.checks import site_url_is_served


def warned() -> list[str]:
    return [message.id for message in run_checks() if message.id == "hipclinic.W001"]


@pytest.mark.parametrize(
    ("site_url", "allowed_hosts"),
    [
        ("http://127.0.0.1:8100", ["127.0.0.1", "localhost"]),
        ("https://clinic.example.org", ["clinic.example.org"]),
        ("https://hip.clinic.example.org/", [".clinic.example.org"]),
        ("http://[::1]:8000", ["[::1]"]),
    ],
)
def test_a_site_url_on_an_allowed_host_passes(settings, site_url, allowed_hosts):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, allowed_hosts

    assert site_url_is_served(None) == []


def test_a_site_url_on_another_host_warns_and_names_it(settings):
    settings.SITE_URL = "https://old-clinic.example.org"
    settings.ALLOWED_HOSTS = ["clinic.example.org"]

    [warning] = site_url_is_served(None)

    assert warning.id == "hipclinic.W001"
    assert "old-clinic.example.org" in warning.msg
    assert warned() == ["hipclinic.W001"]  # registered: manage.py check says it


def test_with_debug_on_and_no_allowed_hosts_localhost_passes_as_django_serves_it(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = True, []
    settings.SITE_URL = "http://localhost:8000"

    assert site_url_is_served(None) == []


def test_with_debug_off_and_no_allowed_hosts_every_site_url_warns(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = False, []
    settings.SITE_URL = "http://localhost:8000"

    assert [w.id for w in site_url_is_served(None)] == ["hipclinic.W001"]


def test_a_site_url_without_a_host_warns(settings):
    settings.SITE_URL = "/p/"

    assert [w.id for w in site_url_is_served(None)] == ["hipclinic.W001"]


def test_the_default_settings_pass(settings):
    assert warned() == []
