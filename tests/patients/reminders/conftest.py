"""The world the reminder tests share: a clinic in Chicago, a patient with a three-day
programme issued and a live link, a log on the Sunday before, and a confirmed sign-up."""

import pytest

from patients.links import create_link
from tests.patients.reminders.world import (
    confirmed_on,
    in_chicago,
    log_the_sunday_before,
    three_day_programme,
    zebedee,
)


@pytest.fixture
def clinic(clinic):
    return in_chicago(clinic)


@pytest.fixture
def patient(clinic, therapist):
    return zebedee(clinic, therapist)


@pytest.fixture
def handout(patient, therapist):
    return three_day_programme(patient, therapist)


@pytest.fixture
def link(patient, therapist, handout):
    return create_link(patient, therapist)


@pytest.fixture
def sunday_log(patient):
    return log_the_sunday_before(patient)


@pytest.fixture
def subscription(patient, link, sunday_log):
    return confirmed_on(patient, sunday_log.date)
