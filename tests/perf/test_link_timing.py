"""Wrong patient links: thousands of them, all the same 404, and how long each kind takes.

Run with: make test ARGS="-m perf". Prints the median and 95th percentile answer
time for unknown, expired and revoked tokens and for a live one, so a timing
difference between the kinds of wrong token would show; asserts only what a
visitor sees (status and page), never a time.
"""

import datetime
import statistics
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from patients.links import create_link, link_path
from patients.models import PatientLink
from tests.factories import PatientFactory

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

REQUESTS = 1000


def test_wrong_tokens_answer_alike(client, settings, clinic, therapist, capsys):
    settings.PATIENT_LINK_RATE = settings.PATIENT_IP_RATE = "1000000/m"
    patient = PatientFactory(clinic=clinic)
    expired, revoked, live = (create_link(patient, therapist) for _ in range(3))
    PatientLink.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    PatientLink.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    kinds = {
        "unknown": lambda n: f"/p/{n:043d}/",
        "expired": lambda n: link_path(expired),
        "revoked": lambda n: link_path(revoked),
        "live": lambda n: link_path(live),
    }
    bodies, figures = {}, {}
    for kind, url in kinds.items():
        cache.clear()
        times = []
        for n in range(REQUESTS if kind != "live" else 100):
            start = time.perf_counter()
            response = client.get(url(n))
            times.append(time.perf_counter() - start)
            if kind != "live":
                assert response.status_code == 404
                bodies.setdefault(kind, set()).add(response.content)
        times.sort()
        figures[kind] = (
            round(statistics.median(times) * 1000, 2),
            round(times[int(len(times) * 0.95)] * 1000, 2),
        )

    assert len(set().union(*bodies.values())) == 1  # every wrong token: the very same page
    with capsys.disabled():
        print(f"\nlink answers over {REQUESTS} requests each (median ms, p95 ms):")
        for kind, (median, p95) in figures.items():
            print(f"  {kind:8} {median:6.2f} {p95:6.2f}")
