"""The printed handout: what the PDF says, how it is laid out, and what rendering may touch.

Every assertion reads the real PDF WeasyPrint produced (text and pages through
pypdf, pixels through pdftoppm), never the HTML.
"""

import datetime
import io
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from exercises.dosing import dose_sentence
from hipclinic.models import PaperSize
from patients import handouts
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
)
from tests.pdfs import (
    font_names,
    page_sizes_mm,
    page_texts,
    pdf_text,
    reader,
    type_sizes_pt,
)

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(2026, 11, 23)


def png_1px() -> bytes:
    """A real one-pixel PNG (uploads are checked, so a test picture must be a sound one)."""
    buffer = io.BytesIO()
    Image.new("RGBA", (1, 1), "black").save(buffer, "PNG")
    return buffer.getvalue()


PNG_1PX = png_1px()


@pytest.fixture
def patient(clinic, therapist):
    return a_patient(clinic, therapist)


def a_patient(clinic, therapist):
    """Maria Okafor of a clinic at 12 Mill Lane: the patient the handout tests print."""
    clinic.address = "12 Mill Lane\nNorthside"
    clinic.save()
    return PatientFactory(
        clinic=clinic,
        first_name="Maria",
        last_name="Okafor",
        date_of_birth=datetime.date(1961, 3, 14),
        primary_therapist=therapist,
    )


def add_items(prescription, count: int, **dose):
    dose = {"sets": None, "reps": 3, "hold": 30, "side": "each", "times_per_day": 1, **dose}
    return [
        PrescriptionItemFactory(
            prescription=prescription,
            exercise=ExerciseFactory(
                clinic=prescription.patient.clinic,
                name=f"Stretch number {n + 1}",
                purpose=f"Purpose of stretch {n + 1}.",
                steps=f"Lie down for stretch {n + 1}.\nBreathe out slowly.",
                precautions=f"Stop if stretch {n + 1} pinches.",
            ),
            order=n,
            note=f"Therapist note {n + 1}.",
            **dose,
        )
        for n in range(count)
    ]


@pytest.fixture
def programme(patient, therapist):
    return a_programme(patient, therapist)


def a_programme(patient, therapist):
    """Three stretches with doses and notes, a review date, and Tom Becker as therapist."""
    therapist.display_name = "Tom Becker"
    therapist.credentials = "PT, DPT"
    therapist.save()
    prescription = PrescriptionFactory(
        patient=patient,
        therapist=therapist,
        title="Outer-hip programme",
        instructions="Warm up with a short walk first.",
        review_date=ISSUED_ON + datetime.timedelta(days=28),
    )
    add_items(prescription, 3, days_per_week=5)
    return prescription


def render(prescription, **kwargs):
    return handouts.render_handout(prescription, issued_on=ISSUED_ON, **kwargs)


def test_pdf_holds_clinic_patient_therapist_dates_and_instructions(programme):
    text = pdf_text(render(programme).pdf)

    assert "Northside Physio" in text
    assert "12 Mill Lane" in text
    assert "Maria Okafor, born 14 March 1961" in text
    assert "Tom Becker, PT, DPT" in text
    assert "23 November 2026" in text
    assert "21 December 2026" in text
    assert "Warm up with a short walk first." in text


def test_pdf_lists_exercises_in_prescribed_order_with_dose_and_note(programme):
    first = programme.items.get(order=0)
    first.order = 9
    first.save()  # "Stretch number 1" now comes last

    text = pdf_text(render(programme).pdf)

    order = [text.index(f"Stretch number {n}") for n in (2, 3, 1)]
    assert order == sorted(order)
    for item in programme.items.all():
        assert dose_sentence(item) in text
        assert item.note in text
        assert item.exercise.purpose in text
        assert item.exercise.precautions in text


def tips_and_take_care(patient, therapist):
    """A programme of one exercise with two tips and two things to take care with."""
    prescription = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(
        prescription=prescription,
        exercise=ExerciseFactory(
            clinic=patient.clinic,
            name="Knee hug",
            cues="Keep your shoulders relaxed.\nBreathe out as you pull the knee in.",
            precautions="Stop if pain spreads down your leg.\nDo not pull hard on a new hip.",
        ),
    )
    return prescription


def test_each_exercise_prints_its_tips_then_what_to_take_care_with(patient, therapist):
    text = pdf_text(render(tips_and_take_care(patient, therapist)).pdf)

    assert (
        "Tips Keep your shoulders relaxed. Breathe out as you pull the knee in. "
        "Take care Stop if pain spreads down your leg. Do not pull hard on a new hip." in text
    )


def test_the_snapshot_keeps_each_exercises_tips(patient, therapist):
    rendered = render(tips_and_take_care(patient, therapist))

    [exercise] = rendered.snapshot["exercises"]
    assert exercise["tips"] == [
        "Keep your shoulders relaxed.",
        "Breathe out as you pull the knee in.",
    ]
    assert exercise["precautions"] == [
        "Stop if pain spreads down your leg.",
        "Do not pull hard on a new hip.",
    ]


def test_an_exercise_without_tips_prints_no_tips_heading(programme):
    text = pdf_text(render(programme).pdf)

    assert "Tips" not in text


def test_dose_reads_in_plain_words(programme):
    text = pdf_text(render(programme).pdf)

    assert (
        "Hold for 30 seconds each time. Do this 3 times on each side. Once a day, 5 days a week."
        in text
    )


def test_steps_are_numbered_in_order(programme):
    text = pdf_text(render(programme).pdf)

    assert "1 Lie down for stretch 1. 2 Breathe out slowly." in text


def test_the_log_then_the_stop_box_and_the_clinic_follow_the_exercises(programme):
    text = pdf_text(render(programme).pdf)

    last_exercise = text.index("Therapist note 3.")
    assert last_exercise < text.index("Your exercise log") < text.index("Stop and call us if")
    assert "Week 4: 14 Dec to 20 Dec" in text  # 28 days to the review: four weeks
    assert text.index("Get urgent medical help now") < text.index("Your clinic")


@pytest.mark.parametrize("weeks", [2, 12])
@pytest.mark.parametrize("paper", [PaperSize.A4, PaperSize.LETTER])
def test_the_stop_box_and_the_clinic_share_the_log_page(programme, weeks, paper):
    programme.review_date = ISSUED_ON + datetime.timedelta(weeks=weeks)
    programme.save()

    *_exercises, log_page = page_texts(render(programme, paper_size=paper).pdf)

    assert f"Week {weeks}:" in log_page
    assert "Stop and call us if" in log_page
    assert "Get urgent medical help now" in log_page
    assert "Your clinic" in log_page


def test_large_print_gives_the_stop_box_its_own_pages_before_the_log(programme):
    pages = page_texts(render(programme, large_print=True).pdf)

    [log_page] = [page for page in pages if "Your exercise log" in page]
    [box_page] = [page for page in pages if "Stop and call us if" in page]
    assert pages.index(box_page) < pages.index(log_page)


def shared_cautions_programme(patient, therapist, *, large_print=False):
    """Three exercises: two share a surgeon line and a stop rule, each has a line of its own."""
    patient.large_print = large_print
    patient.save()
    prescription = PrescriptionFactory(patient=patient, therapist=therapist)
    surgeon = "Do not do this after a hip replacement unless your surgeon has cleared it."
    stop = "Stop if you feel sharp pain or pain spreads down your leg."
    for order, (name, own, shared) in enumerate(
        [
            ("Bridge", "Keep your ribs down.", [surgeon, stop]),
            ("Clam", "Keep your heels together.", []),
            ("Side lying lift", "Do not roll back.", [surgeon, stop]),
        ]
    ):
        PrescriptionItemFactory(
            prescription=prescription,
            order=order,
            exercise=ExerciseFactory(
                clinic=patient.clinic, name=name, precautions="\n".join([*shared, own])
            ),
        )
    return prescription


def test_a_caution_two_exercises_share_prints_once_before_them_naming_both(patient, therapist):
    text = pdf_text(render(shared_cautions_programme(patient, therapist)).pdf)

    shared = (
        "Take care with these exercises Exercises 1 and 3: Do not do this after a hip "
        "replacement unless your surgeon has cleared it."
    )
    assert shared in text
    assert text.count("unless your surgeon has cleared it") == 1
    assert text.index(shared) < text.index("1 Bridge")


def test_each_exercise_keeps_its_own_lines_and_its_stop_rule(patient, therapist):
    text = pdf_text(render(shared_cautions_programme(patient, therapist)).pdf)

    assert (
        "Take care: these, and the list at the start Stop if you feel sharp pain or pain "
        "spreads down your leg. Keep your ribs down." in text
    )
    assert "Take care Keep your heels together." in text  # shares nothing, points nowhere
    assert text.count("Stop if you feel sharp pain or pain spreads down your leg.") == 2


def test_large_print_keeps_every_caution_with_its_exercise(patient, therapist):
    text = pdf_text(render(shared_cautions_programme(patient, therapist, large_print=True)).pdf)

    assert "Take care with these exercises" not in text
    assert text.count("unless your surgeon has cleared it") == 2


def test_log_has_at_least_two_weeks_without_a_review_date(programme):
    programme.review_date = None
    programme.save()

    text = pdf_text(render(programme).pdf)

    assert "Week 2: 30 Nov to 6 Dec" in text
    assert "Week 3" not in text


def test_every_page_has_the_patient_footer_and_page_n_of_m(programme):
    rendered = render(programme)
    pages = reader(rendered.pdf).pages

    assert rendered.page_count == len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = " ".join(page.extract_text().split())
        assert f"Page {number} of {len(pages)}" in text
        assert "Maria Okafor · issued 23 November 2026" in text


def test_pages_grow_with_the_programme(patient, therapist):
    short = PrescriptionFactory(patient=patient, therapist=therapist)
    add_items(short, 2)
    long = PrescriptionFactory(patient=patient, therapist=therapist)
    add_items(long, 20)

    assert render(long).page_count > render(short).page_count + 3


def test_metadata_names_the_programme_and_clinic(programme):
    pdf_reader = reader(render(programme).pdf)

    assert pdf_reader.metadata.title == "Outer-hip programme for Maria Okafor"
    assert pdf_reader.metadata.author == "Northside Physio"
    assert pdf_reader.trailer["/Root"]["/Lang"] == "en"


def test_type_is_atkinson_hyperlegible_embedded(programme):
    pdf = render(programme).pdf

    assert font_names(pdf) >= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"}
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # the font program travels inside the PDF


@pytest.mark.parametrize(
    ("paper", "size_mm"), [(PaperSize.A4, (210, 297)), (PaperSize.LETTER, (216, 279))]
)
def test_paper_size_follows_the_patient(programme, paper, size_mm):
    programme.patient.paper_size = paper
    programme.patient.save()

    assert set(page_sizes_mm(render(programme).pdf)) == {size_mm}


def test_paper_size_falls_back_to_the_clinic(programme):
    programme.patient.clinic.paper_size = PaperSize.LETTER
    programme.patient.clinic.save()

    assert set(page_sizes_mm(render(programme).pdf)) == {(216, 279)}


def test_large_print_has_bigger_text_and_more_pages(programme):
    normal = render(programme)
    programme.patient.large_print = True
    programme.patient.save()
    large = render(programme)

    step = "Lie down for stretch 1."
    normal_size = type_sizes_pt(normal.pdf, 0)[step]
    large_page = next(
        n for n, page in enumerate(reader(large.pdf).pages) if step in page.extract_text()
    )
    large_size = type_sizes_pt(large.pdf, large_page)[step]
    assert normal_size == 10  # the standard sheet sets 10 pt body text (issue 18)
    assert large_size >= 16
    assert large.page_count > normal.page_count


def test_large_print_puts_one_exercise_on_each_page(programme):
    programme.patient.large_print = True
    programme.patient.save()

    pages = [page.extract_text() for page in reader(render(programme).pdf).pages]

    exercise_pages = [text for text in pages if "Purpose of stretch" in text]
    assert len(exercise_pages) == 3
    assert all(text.count("Purpose of stretch") == 1 for text in exercise_pages)


def test_an_exercise_is_never_split_across_pages(patient, therapist):
    prescription = PrescriptionFactory(patient=patient, therapist=therapist)
    add_items(prescription, 12)

    pages = [page.extract_text() for page in reader(render(prescription).pdf).pages]

    for n in range(1, 13):
        # Name, steps, dose and note of one exercise all sit on the same page.
        page = next(text for text in pages if f"Purpose of stretch {n}." in text)
        assert f"Lie down for stretch {n}." in page
        assert f"Therapist note {n}." in page


# --- Cost ---------------------------------------------------------------------------


def count_render_queries(prescription) -> int:
    with CaptureQueriesContext(connection) as queries:
        handouts.render_handout(prescription, issued_on=ISSUED_ON)
    return len(queries)


def test_render_queries_do_not_grow_with_exercises(patient, therapist):
    few = PrescriptionFactory(patient=patient, therapist=therapist)
    add_items(few, 3)
    many = PrescriptionFactory(patient=patient, therapist=therapist)
    add_items(many, 30)

    assert count_render_queries(few) == count_render_queries(many) == 2


def test_first_page_renders_to_a_picture_that_is_not_blank(programme, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (see the README).")
    (tmp_path / "handout.pdf").write_bytes(render(programme).pdf)

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "handout.pdf",
            "page",
        ],
        cwd=tmp_path,
        check=True,
    )

    with Image.open(tmp_path / "page.png") as page:
        grey = page.convert("L")
        dark = sum(grey.histogram()[:128])
        assert grey.size[0] < grey.size[1]  # portrait
        assert dark > 0.005 * grey.size[0] * grey.size[1]  # ink on the page, not white
