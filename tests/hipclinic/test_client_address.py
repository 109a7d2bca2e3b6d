"""A request's address: one rule (hipclinic.access.client_ip) for the audit trail, the
login lock-out and the patient pages' rate limits; X-Forwarded-For only behind proxies
we were told to trust."""

import pytest
from django.test import RequestFactory

from hipclinic.access import client_ip
from patients.links import create_link, link_path
from tests.factories import PatientFactory


def address(forwarded=None, remote="10.0.0.2"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "192.0.2.1", "10.0.0.2"),  # no trusted proxy: the header is anyone's
        (1, None, "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the client's own entry is ignored
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (2, "192.0.2.1", "192.0.2.1"),  # fewer entries: the outermost proxy's
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "6.6.6.6, not-an-address", "10.0.0.2"),  # never a client's text
        (1, "6.6.6.6, ", "10.0.0.2"),
    ],
)
def test_the_client_address_under_each_proxy_count(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert address(forwarded) == expected


@pytest.fixture
def patient_page(db, clinic, therapist):
    return link_path(create_link(PatientFactory(clinic=clinic), therapist))


def test_a_rotating_forwarded_for_does_not_escape_the_patient_page_limit(
    client, settings, patient_page
):
    settings.PATIENT_LINK_RATE = "1000/m"
    settings.PATIENT_IP_RATE = "3/m"

    statuses = [
        client.get(patient_page, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_patient_has_their_own_address_limit(
    client, settings, patient_page
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PATIENT_LINK_RATE = "1000/m"
    settings.PATIENT_IP_RATE = "3/m"

    first = [
        client.get(patient_page, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code for _ in range(4)
    ]
    second = client.get(patient_page, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code

    assert first == [200, 200, 200, 429]
    assert second == 200
