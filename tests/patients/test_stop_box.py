"""The red-flag box ("Stop and call us if"): every line of CLINICAL.md section 2 reaches the
patient, on the printed handout (PDF text through pypdf) and on their phone page."""

import datetime

import pytest

from exercises.models import Condition
from patients import handouts
from patients.links import create_link, link_path
from patients.stop_box import tel_href
from tests.factories import PatientFactory, PrescriptionFactory, PrescriptionItemFactory
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db

# CLINICAL.md section 2, line by line (each list item without its closing ; or .).
STOP_AND_CALL = [
    "an exercise causes sharp pain, or pain clearly worse than when you started",
    "your pain is still worse 2 hours after you finish, or worse the next morning",
    "pain spreads down your leg, or you feel new numbness, tingling or weakness in a leg or foot",
    "you feel dizzy or short of breath, or have chest pain",
    "you have a fever or feel unwell as well as back pain",
    "your pain is constant and worse at night, or you are losing weight without trying",
    "your pain started or got worse after a fall or an injury",
    "you have had cancer and this back pain is new or getting worse",
]
GET_HELP_NOW = [
    "numbness around your bottom, between your legs or in your genitals, or less feeling "
    "during sex",
    "trouble starting to pass urine, or you lose control of your bladder or bowels",
    "weakness getting worse in your legs, or a foot that drags or slaps when you walk",
    "these symptoms in both legs",
]
PREGNANCY = "you are pregnant and pain in your pelvis or pubic bone is getting worse"
PREGNANCY_URGENT = "bleeding, fluid leaking or regular cramps while you are pregnant"


def a_programme(clinic, therapist, conditions=()):
    patient = PatientFactory(clinic=clinic, first_name="Ada", conditions=list(conditions))
    programme = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(prescription=programme)
    return programme


def handout_text(programme) -> str:
    return pdf_text(handouts.render_handout(programme, issued_on=datetime.date(2026, 12, 3)).pdf)


def page_text(client, patient, therapist) -> str:
    response = client.get(link_path(create_link(patient, therapist)))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# --- The handout ------------------------------------------------------------------------


def test_the_handout_prints_every_stop_and_call_line(clinic, therapist):
    text = handout_text(a_programme(clinic, therapist))

    assert "Stop and call us if" in text
    for line in STOP_AND_CALL:
        assert line in text


def test_the_handout_prints_the_urgent_list_and_where_to_go(clinic, therapist):
    text = handout_text(a_programme(clinic, therapist))

    assert (
        "Get urgent medical help now Call your emergency number or go to an emergency "
        "department if you have:" in text
    )
    for line in GET_HELP_NOW:
        assert line in text


def test_the_handouts_box_gives_the_clinics_number(clinic, therapist):
    text = handout_text(a_programme(clinic, therapist))

    assert "Call Northside Physio on 555 0100." in text


def test_the_pregnancy_line_prints_for_a_patient_with_pregnancy(clinic, therapist):
    text = handout_text(a_programme(clinic, therapist, [Condition.PREGNANCY]))

    assert PREGNANCY in text and PREGNANCY_URGENT in text
    assert text.index(PREGNANCY_URGENT) > text.index("Get urgent medical help now")


def test_the_pregnancy_line_is_left_out_for_other_patients(clinic, therapist):
    text = handout_text(a_programme(clinic, therapist, [Condition.OSTEOPOROSIS]))

    assert "pregnant" not in text
    assert "pubic bone" not in text


def test_an_issued_handout_keeps_its_box_when_the_record_changes(clinic, therapist):
    programme = a_programme(clinic, therapist, [Condition.PREGNANCY])
    issued = handouts.issue_handout(programme, therapist)
    programme.patient.conditions = []
    programme.patient.save()

    pdf, _pages = handouts.render_pdf(handouts.render_html(issued.snapshot))

    assert issued.snapshot["stop_box"] == {"pregnancy": True}
    assert PREGNANCY in pdf_text(pdf)


def test_a_handout_from_before_the_box_had_options_still_renders(clinic, therapist):
    programme = a_programme(clinic, therapist)
    snapshot = handouts.handout_snapshot(programme, issued_on=datetime.date(2026, 12, 3))
    del snapshot["stop_box"]

    pdf, _pages = handouts.render_pdf(handouts.render_html(snapshot))

    assert STOP_AND_CALL[-1] in pdf_text(pdf)


# --- The phone page ---------------------------------------------------------------------


def test_the_phone_page_shows_the_whole_box_before_any_handout(client, clinic, therapist):
    programme = a_programme(clinic, therapist)

    text = page_text(client, programme.patient, therapist)

    assert "Your clinic has not given you an exercise programme yet." in text
    assert "Stop and call us if" in text
    assert "Get urgent medical help now" in text
    for line in STOP_AND_CALL + GET_HELP_NOW:
        assert line in text


def test_the_phone_page_shows_the_box_with_an_issued_programme(client, clinic, therapist):
    programme = a_programme(clinic, therapist)
    handouts.issue_handout(programme, therapist)

    text = page_text(client, programme.patient, therapist)

    assert "Download your exercise sheet (PDF)" in text
    for line in STOP_AND_CALL + GET_HELP_NOW:
        assert line in text


def test_the_phone_pages_box_calls_the_clinic_with_a_tap(client, clinic, therapist):
    clinic.phone = "+44 (0)20 7946 0000"
    clinic.save()
    programme = a_programme(clinic, therapist)

    text = page_text(client, programme.patient, therapist)

    assert 'Call Northside Physio on <a href="tel:+442079460000">+44 (0)20 7946 0000</a>.' in text


def test_the_phone_page_adds_the_pregnancy_line_from_the_record(client, clinic, therapist):
    programme = a_programme(clinic, therapist)
    handouts.issue_handout(programme, therapist)
    programme.patient.conditions = [Condition.PREGNANCY]
    programme.patient.save()

    text = page_text(client, programme.patient, therapist)

    assert PREGNANCY in text and PREGNANCY_URGENT in text
    assert text.index(PREGNANCY_URGENT) > text.index("Get urgent medical help now")


def test_the_phone_page_leaves_the_pregnancy_line_out_for_others(client, clinic, therapist):
    programme = a_programme(clinic, therapist, [Condition.FALL_RISK])

    text = page_text(client, programme.patient, therapist)

    assert "pregnant" not in text


# --- The number to call -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("555 0100", "tel:5550100"),
        ("(020) 7946-0000", "tel:02079460000"),
        ("+1 415.555.0100", "tel:+14155550100"),
        ("+44 (0)20 7946 0000", "tel:+442079460000"),
        ("Tel: 01632 960 123", "tel:01632960123"),
        ("01632 960123 ext. 4", "tel:01632960123"),
        ("", ""),
        ("call reception", ""),
    ],
)
def test_the_tap_to_call_link_holds_digits_and_a_leading_plus(phone, href):
    assert tel_href(phone) == href
