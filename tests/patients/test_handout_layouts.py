"""Handout layouts (issue 18): the standard sheet, large print and the summary.

A real programme from the shipped library (the ten floor hip stretches, with their
long steps, tips and precautions) is rendered in every layout on A4 and Letter, and
the tests read the PDF: pages, the text of each page (pypdf) and its pixels (pdftoppm).
"""

import datetime

import pytest

from exercises.library import load_library
from exercises.models import Protocol
from hipclinic.models import PaperSize
from patients import handouts
from patients.prescribing import prescription_from_protocol
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.pdfs import page_png, page_sizes_mm, page_texts, pdf_text, reader

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(2026, 11, 23)
PAPERS = [PaperSize.A4, PaperSize.LETTER]

# Issue 18's targets for ten exercises. The standard sheet: four pages and the log page.
STANDARD_PAGES_10 = 5
# Large print: one exercise a page, a long one running on to a second; with page 1,
# the stop box and the log.
LARGE_PRINT_PAGES_10 = 2 * 10 + 4
# The summary: the summary page, then the log page with the stop box.
SUMMARY_PAGES_10 = 2


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(clinic=clinic, first_name="Maria", last_name="Okafor")


@pytest.fixture
def ten_stretches(patient, therapist):
    """The shipped protocol 'Floor hip stretches for lower back pain', reviewed in 12 weeks."""
    load_library()
    protocol = Protocol.objects.get(slug="ten-hip-stretches")
    prescription = prescription_from_protocol(patient, protocol, therapist)
    prescription.review_date = ISSUED_ON + datetime.timedelta(weeks=12)
    prescription.save()
    return prescription


# An issued handout carries the QR code to the patient's page, beside the programme's
# details: the page counts are an issued handout's.
PATIENT_URL = "https://clinic.example/p/Yx3kQ9-pT7vW2mZ8rLb4NcH6sJd1FgA5eKu0oVi/"


def render(prescription, **choices):
    return handouts.render_handout(
        prescription, issued_on=ISSUED_ON, patient_url=PATIENT_URL, **choices
    )


def names_and_doses(rendered) -> list[tuple[str, str]]:
    return [(exercise["name"], exercise["dose"]) for exercise in rendered.snapshot["exercises"]]


# --- The choice travels in the snapshot ------------------------------------------------


def test_the_snapshot_keeps_the_layout_paper_and_print_size_chosen(ten_stretches):
    rendered = render(
        ten_stretches, layout="summary", paper_size=PaperSize.LETTER, large_print=True
    )

    assert rendered.snapshot["layout"] == "summary"
    assert rendered.snapshot["paper_size"] == PaperSize.LETTER
    assert rendered.snapshot["large_print"] is True
    assert set(page_sizes_mm(rendered.pdf)) == {(216, 279)}


def test_without_a_choice_the_handout_is_full_in_the_patients_sizes(ten_stretches):
    ten_stretches.patient.large_print = True
    ten_stretches.patient.paper_size = PaperSize.LETTER
    ten_stretches.patient.save()

    snapshot = render(ten_stretches).snapshot

    assert snapshot["layout"] == "full"
    assert snapshot["large_print"] is True
    assert snapshot["paper_size"] == PaperSize.LETTER


def test_a_snapshot_from_before_layouts_prints_the_full_sheet(ten_stretches):
    snapshot = handouts.handout_snapshot(ten_stretches, issued_on=ISSUED_ON)
    del snapshot["layout"]

    pdf, _pages = handouts.render_pdf(handouts.render_html(snapshot))

    assert "Your exercises at a glance" not in pdf_text(pdf)
    assert snapshot["exercises"][0]["steps"][0] in " ".join(pdf_text(pdf).split())


def test_an_unknown_layout_is_refused(ten_stretches):
    with pytest.raises(ValueError):
        handouts.handout_snapshot(ten_stretches, issued_on=ISSUED_ON, layout="poster")


# --- Pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
def test_ten_exercises_fit_four_pages_and_the_log(ten_stretches, paper):
    assert render(ten_stretches, paper_size=paper).page_count <= STANDARD_PAGES_10


@pytest.mark.parametrize("paper", PAPERS)
def test_large_print_of_ten_exercises_takes_at_most_two_pages_each(ten_stretches, paper):
    rendered = render(ten_stretches, paper_size=paper, large_print=True)

    assert rendered.page_count <= LARGE_PRINT_PAGES_10


@pytest.mark.parametrize("paper", PAPERS)
def test_the_summary_of_ten_exercises_takes_one_page_and_the_log(ten_stretches, paper):
    assert render(ten_stretches, paper_size=paper, layout="summary").page_count <= SUMMARY_PAGES_10


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("layout", handouts.LAYOUTS)
def test_each_exercises_name_and_dose_share_a_page(ten_stretches, layout, paper, large_print):
    rendered = render(ten_stretches, layout=layout, paper_size=paper, large_print=large_print)
    pages = page_texts(rendered.pdf)

    for name, dose in names_and_doses(rendered):
        pages_with_name = [text for text in pages if name in text]
        assert pages_with_name, name
        assert all(dose in text for text in pages_with_name), name


@pytest.mark.parametrize("layout", handouts.LAYOUTS)
def test_every_layout_carries_the_stop_box_and_the_log(ten_stretches, layout):
    text = pdf_text(render(ten_stretches, layout=layout).pdf)

    assert "Stop and call us if" in text
    assert "Get urgent medical help now" in text
    assert "Your exercise log" in text


# --- The summary ---------------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
def test_the_summary_lists_every_exercise_with_its_dose_on_one_page(ten_stretches, paper):
    rendered = render(ten_stretches, layout="summary", paper_size=paper)
    [summary_page] = [
        text for text in page_texts(rendered.pdf) if "Your exercises at a glance" in text
    ]

    for name, dose in names_and_doses(rendered):
        assert f"{name} {dose}" in summary_page


def test_the_summary_prints_no_steps(ten_stretches):
    rendered = render(ten_stretches, layout="summary")

    first_step = rendered.snapshot["exercises"][0]["steps"][0]
    assert first_step not in pdf_text(rendered.pdf)


def test_summary_full_prints_the_summary_then_every_step(ten_stretches):
    rendered = render(ten_stretches, layout="summary_full")
    text = pdf_text(rendered.pdf)

    first_step = rendered.snapshot["exercises"][0]["steps"][0]
    assert text.index("Your exercises at a glance") < text.index(first_step)
    assert text.index(first_step) < text.index("Stop and call us if")


def test_a_long_programme_has_a_summary_of_two_pages(patient, therapist):
    prescription = PrescriptionFactory(patient=patient, therapist=therapist)
    for n in range(24):
        PrescriptionItemFactory(
            prescription=prescription,
            exercise=ExerciseFactory(clinic=patient.clinic, name=f"Stretch number {n + 1}"),
            order=n,
        )

    pages = page_texts(render(prescription, layout="summary").pdf)

    summary_pages = [n for n, text in enumerate(pages) if "Stretch number" in text]
    assert summary_pages == [0, 1]


# --- Large print: no short tails ----------------------------------------------------------


def exercise_tails(pages: list[str], names: list[str]) -> list[str]:
    """The text at the head of each page that belongs to an exercise begun on an earlier
    page: up to the next exercise's heading, the stop box (or the log, or the clinic's
    details), or the page's end."""
    tails = []
    for text in pages[1:]:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [
            line
            for line in lines
            if not line.startswith(("Page ", "Maria Okafor · issued"))
            and line != "Northside Physio"
        ]
        ends = [
            n
            for n, line in enumerate(lines)
            if any(line.endswith(name) for name in names)
            or line.startswith(("Stop and call us if", "Your exercise log", "Your clinic"))
        ]
        head = lines[: ends[0]] if ends else lines
        if head:
            tails.append("\n".join(head))
    return tails


@pytest.mark.parametrize("paper", PAPERS)
def test_large_print_leaves_no_exercise_tail_shorter_than_three_lines(ten_stretches, paper):
    rendered = render(ten_stretches, paper_size=paper, large_print=True)
    pages = [page.extract_text() for page in reader(rendered.pdf).pages]
    names = [name for name, _dose in names_and_doses(rendered)]

    for tail in exercise_tails(pages, names):
        assert len(tail.splitlines()) >= 3, tail


@pytest.mark.parametrize("paper", PAPERS)
def test_large_print_puts_each_exercise_on_a_page_of_its_own(ten_stretches, paper):
    rendered = render(ten_stretches, paper_size=paper, large_print=True)
    pages = page_texts(rendered.pdf)

    for name, _dose in names_and_doses(rendered):
        [page] = [text for text in pages if name in text]
        others = [other for other, _ in names_and_doses(rendered) if other != name]
        assert not any(other in page for other in others), name


# --- How wide the drawing prints -------------------------------------------------------

# A drawing whose ink fills its whole box, in a colour nothing else on the sheet uses:
# the green columns of the page image are the drawing's printed width.
FULL_BLEED_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">'
    '<rect x="0" y="0" width="200" height="100" fill="#00c000"/></svg>'
)
PAGE_MARGINS_MM = 2 * 14  # static/handouts/handout.css: @page's left and right margins


def drawn_programme(patient, therapist, tmp_path, settings):
    (settings.MEDIA_ROOT / "drawings").mkdir(parents=True)
    (settings.MEDIA_ROOT / "drawings" / "full-bleed.svg").write_text(FULL_BLEED_SVG)
    prescription = PrescriptionFactory(patient=patient, therapist=therapist)
    for n in range(2):
        exercise = ExerciseFactory(clinic=patient.clinic, name=f"Drawn stretch {n + 1}")
        exercise.illustration.name = "drawings/full-bleed.svg"
        exercise.save()
        PrescriptionItemFactory(prescription=prescription, exercise=exercise, order=n)
    return prescription


def drawing_share_of_content_width(pdf: bytes, folder, page_number: int) -> float:
    with page_png(pdf, folder, page_number, dpi=72) as page:
        rgb = page.convert("RGB")
        width, height = rgb.size
        pixels = rgb.load()
        green_columns = [
            x
            for x in range(width)
            if any(
                pixels[x, y][1] > 150 and pixels[x, y][0] < 60 and pixels[x, y][2] < 60
                for y in range(0, height, 2)
            )
        ]
    page_width_mm = page_sizes_mm(pdf)[0][0]
    content_px = width * (page_width_mm - PAGE_MARGINS_MM) / page_width_mm
    return (max(green_columns) - min(green_columns) + 1) / content_px


@pytest.mark.parametrize("paper", PAPERS)
def test_the_standard_drawing_is_at_least_two_fifths_of_the_width(
    patient, therapist, tmp_path, settings, paper
):
    prescription = drawn_programme(patient, therapist, tmp_path, settings)

    pdf = render(prescription, paper_size=paper).pdf

    assert drawing_share_of_content_width(pdf, tmp_path, 1) >= 0.40


@pytest.mark.parametrize("paper", PAPERS)
def test_the_large_print_drawing_is_at_least_three_fifths_of_the_width(
    patient, therapist, tmp_path, settings, paper
):
    prescription = drawn_programme(patient, therapist, tmp_path, settings)

    pdf = render(prescription, paper_size=paper, large_print=True).pdf

    # Page 1 holds the programme's details; the first exercise starts page 2.
    assert drawing_share_of_content_width(pdf, tmp_path, 2) >= 0.60


# --- The log page ------------------------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("large_print", [False, True])
def test_twelve_weeks_of_log_fit_one_page(ten_stretches, paper, large_print):
    rendered = render(ten_stretches, paper_size=paper, large_print=large_print)
    pages = page_texts(rendered.pdf)

    [log_page] = [text for text in pages if "Your exercise log" in text]
    assert "Week 1: 23 Nov to 29 Nov" in log_page
    assert "Week 12: 8 Feb to 14 Feb" in log_page


@pytest.mark.parametrize("paper", PAPERS)
def test_a_long_therapist_name_wraps_beside_the_qr_code_and_costs_no_page(ten_stretches, paper):
    therapist = ten_stretches.therapist
    therapist.display_name, therapist.credentials = "Dr Ana María Ruiz-Fernández", "PT, DPT, OCS"
    therapist.save()

    rendered = render(ten_stretches, paper_size=paper)

    assert "Dr Ana María Ruiz-Fernández, PT, DPT, OCS" in page_texts(rendered.pdf)[0]
    assert rendered.page_count <= STANDARD_PAGES_10
