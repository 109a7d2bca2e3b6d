"""A programme is called a programme in every label a person reads, the admin included
(the class keeps its clinical name, Prescription: see its docstring)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SessionLogFactory,
)

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """The text a page shows, and its titles and labels (never its URLs or class names)."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.hidden += 1
        self.parts += [value for name, value in attrs if name in {"title", "aria-label"} and value]

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = VisibleText()
    reader.feed(html)
    return " ".join(reader.parts)


@pytest.fixture
def programme(clinic, therapist):
    programme = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=therapist)
    PrescriptionItemFactory(prescription=programme)
    SessionLogFactory(patient=programme.patient, prescription=programme)
    return programme


@pytest.mark.parametrize(
    "page",
    [
        lambda p: reverse("admin:index"),
        lambda p: reverse("admin:patients_prescription_changelist"),
        lambda p: reverse("admin:patients_prescription_change", args=[p.pk]),
        lambda p: reverse("admin:patients_prescription_history", args=[p.pk]),
        lambda p: reverse("admin:patients_sessionlog_changelist"),
        lambda p: reverse("admin:patients_handout_changelist"),
        lambda p: reverse("admin:patients_patient_change", args=[p.patient.pk]),
        lambda p: reverse("patients:programme_detail", args=[p.pk]),
        lambda p: reverse("patients:patient_detail", args=[p.patient.pk]),
    ],
)
def test_pages_call_it_a_programme(client, manager, programme, page):
    client.force_login(manager)

    response = client.get(page(programme))

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "rogramme" in text
    assert "rescription" not in text
