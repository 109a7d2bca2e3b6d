"""Staff pages run in the user's clinic's time zone (hipclinic.middleware.clinic_time_zone)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from hipclinic.middleware import clinic_time_zone
from tests.factories import ClinicFactory, UserFactory

pytestmark = pytest.mark.django_db

# 23:30 in Los Angeles on 3 November is already 4 November in UTC and in Auckland.
LATE_EVENING_IN_LA = datetime.datetime(2026, 11, 4, 7, 30, tzinfo=datetime.UTC)


def what_the_page_sees(user) -> str:
    request = RequestFactory().get("/")
    request.user = user

    def page(request):
        today = timezone.localtime(LATE_EVENING_IN_LA).date()
        return HttpResponse(f"{timezone.get_current_timezone_name()} {today.isoformat()}")

    return clinic_time_zone(page)(request).content.decode()


@pytest.mark.parametrize(
    ("zone", "seen"),
    [
        ("America/Los_Angeles", "America/Los_Angeles 2026-11-03"),
        ("Pacific/Auckland", "Pacific/Auckland 2026-11-04"),
    ],
)
def test_a_staff_users_day_is_their_clinics(zone, seen):
    user = UserFactory(clinic=ClinicFactory(timezone=zone))

    assert what_the_page_sees(user) == seen


def test_without_a_clinic_the_servers_zone_stays():
    assert what_the_page_sees(AnonymousUser()) == "UTC 2026-11-04"
    assert what_the_page_sees(UserFactory(clinic=None, is_superuser=True)) == "UTC 2026-11-04"
    assert timezone.get_current_timezone_name() == "UTC"  # nothing left behind
