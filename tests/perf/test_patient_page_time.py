"""What a patient's page view costs in this process, beside the trivial view (issue 23).

Run with: make test ARGS="-m perf" (on PostgreSQL with DATABASE_URL, as production).
Prints the median and 95th percentile time of /ping, the patient's page, and the
page's forms rendered with our form renderer and with Django's templates; asserts only
what the patient sees, never a time. `make loadtest` measures the same under load.
"""

import statistics
import time

import pytest
from django.forms.renderers import DjangoTemplates

from hipclinic.form_renderer import FormRenderer
from patients.forms import SessionLogForm
from patients.links import create_link, link_path
from patients.reminder_forms import ReminderEmailForm, ReminderTimeForm
from tests.factories import ExerciseFactory, PatientFactory
from tests.patients.test_patient_page_cost import issue

pytestmark = [pytest.mark.perf, pytest.mark.django_db]

REQUESTS = 300


def timed(call, times=REQUESTS) -> tuple[float, float]:
    call()  # warm: templates loaded, queries prepared
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        spent.append(time.perf_counter() - start)
    spent.sort()
    return statistics.median(spent) * 1000, spent[int(len(spent) * 0.95)] * 1000


def page_forms(renderer) -> str:
    return "".join(
        str(form)
        for form in (
            SessionLogForm(renderer=renderer),
            ReminderTimeForm.for_programme(3, renderer=renderer),
            ReminderEmailForm.for_programme(3, renderer=renderer),
        )
    )


def test_patient_page_time_beside_the_trivial_view(client, settings, clinic, therapist, capsys):
    settings.PATIENT_LINK_RATE = settings.PATIENT_IP_RATE = "1000000/m"
    patient = PatientFactory(clinic=clinic, first_name="Robin")
    issue(patient, therapist, [ExerciseFactory(clinic=clinic) for _ in range(6)])
    page = link_path(create_link(patient, therapist))

    assert "Robin" in client.get(page).content.decode()
    ours, djangos = FormRenderer(), DjangoTemplates()
    assert page_forms(ours) == page_forms(djangos)
    figures = {
        "/ping (trivial view)": timed(lambda: client.get("/ping")),
        "patient page": timed(lambda: client.get(page)),
        "its forms, our renderer": timed(lambda: page_forms(ours)),
        "its forms, Django's templates": timed(lambda: page_forms(djangos)),
    }
    with capsys.disabled():
        print(f"\nin-process times over {REQUESTS} runs each (median ms, p95 ms):")
        for name, (median, p95) in figures.items():
            print(f"  {name:32} {median:6.2f} {p95:6.2f}")
