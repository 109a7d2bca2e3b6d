"""Benchmark handout rendering and downloading in a throw-away database."""

import datetime
import gc
import json
import statistics
import time
import tracemalloc

import weasyprint
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from exercises.figures import draw
from exercises.library import read_library
from exercises.models import Exercise, Kind, Position
from hipclinic.models import Clinic, Role, User
from patients import handouts
from patients.handout_fetcher import BASE_URL, HandoutFetcher
from patients.models import Patient, Prescription, PrescriptionItem

SIZES = (3, 5, 10, 30)
# Each layout a handout can be issued in (issue 18), as render_handout's keyword arguments;
# the figures for "standard" keep their old names (render_ms_10, pages_10, ...), the
# others carry the layout's name (pages_10_large, render_ms_10_summary, ...).
LAYOUTS = {
    "standard": {},
    "large": {"large_print": True},
    "summary": {"layout": "summary"},
    "summary_full": {"layout": "summary_full"},
}
ISSUED_ON = datetime.date(2026, 11, 23)
# Issued handouts print a QR code of the patient's link; measure them with one.
LINK = "https://clinic.example/p/" + "A" * 43 + "/"


def median_ms(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1000, 1)


def p95_ms(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 1)


def timed(function, repeat: int) -> list[float]:
    function()  # warm-up: imports, font loading, template compilation
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


class Command(BaseCommand):
    help = (
        "Measure handout rendering (5, 10 and 30 exercises, in each layout: standard, large "
        "print, summary, summary then full), a bare WeasyPrint baseline on the same HTML, downloads of an issued handout, and drawing every shipped exercise's "
        "illustration, in a throw-away test database. "
        "Prints a table, then one JSON line with the figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15, help="Renders timed per size.")
        parser.add_argument("--downloads", type=int, default=200, help="Downloads timed.")

    def handle(self, *args, repeat: int, downloads: int, **options):
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            figures, rows = self.measure(repeat, downloads)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        self.print_table(rows, figures)
        self.stdout.write(json.dumps(figures, sort_keys=True))

    def measure(self, repeat: int, downloads: int) -> tuple[dict, list[dict]]:
        therapist, programmes = seed()
        figures, rows = {}, []
        for size in SIZES:
            prescription = programmes[size]
            with CaptureQueriesContext(connection) as queries:
                handouts.render_handout(prescription, issued_on=ISSUED_ON, patient_url=LINK)
            figures[f"queries_{size}"] = len(queries)
            if size == 3:
                continue
            for layout, choice in LAYOUTS.items():
                row = measure_layout(prescription, size, layout, choice, repeat)
                rows.append(row)
                suffix = "" if layout == "standard" else f"_{layout}"
                figures[f"pages_{size}{suffix}"] = row["pages"]
                figures[f"render_ms_{size}{suffix}"] = row["median_ms"]
                figures[f"p95_ms_{size}{suffix}"] = row["p95_ms"]
                figures[f"over_bare_{size}{suffix}"] = row["over_bare"]
                if layout == "standard":
                    figures[f"pdf_kib_{size}"] = row["pdf_kib"]
                    figures[f"peak_mib_{size}"] = peak_mib(prescription)

        html = handouts.render_html(
            handouts.handout_snapshot(programmes[10], issued_on=ISSUED_ON), LINK
        )
        figures["html_ms_10"] = median_ms(
            timed(
                lambda: handouts.render_html(
                    handouts.handout_snapshot(programmes[10], issued_on=ISSUED_ON), LINK
                ),
                repeat,
            )
        )
        figures["baseline_ms_10"] = median_ms(timed(lambda: bare_weasyprint(html), repeat))
        figures["tagged_ms_10"] = median_ms(
            timed(lambda: bare_weasyprint(html, pdf_tags=True), repeat)
        )
        figures["render_over_baseline_10"] = round(
            figures["render_ms_10"] / figures["baseline_ms_10"], 2
        )

        handout = handouts.issue_handout(programmes[10], therapist)
        client = Client()
        client.force_login(therapist)
        url = reverse("patients:download_handout", args=[handout.pk])

        def download():
            response = client.get(url)
            assert response.status_code == 200
            b"".join(response.streaming_content)

        figures["download_ms"] = median_ms(timed(download, downloads))
        figures["render_over_download_10"] = round(
            figures["render_ms_10"] / figures["download_ms"], 1
        )
        posed = [entry for entry in read_library()["exercises"] if entry.get("pose")]
        figures["illustrations"] = len(posed)
        figures["illustrations_ms"] = median_ms(timed(lambda: draw_all(posed), repeat))
        return figures, rows

    def print_table(self, rows: list[dict], figures: dict) -> None:
        write = self.stdout.write
        write(f"WeasyPrint {weasyprint.__version__}, database {connection.vendor}")
        write("")
        write(
            f"{'layout':>12} {'exercises':>9} {'pages':>6} {'median ms':>10} {'p95 ms':>8} "
            f"{'bare ms':>8} {'ours/bare':>9} {'PDF KiB':>8}"
        )
        for row in rows:
            write(
                f"{row['layout']:>12} {row['exercises']:>9} {row['pages']:>6} "
                f"{row['median_ms']:>10} {row['p95_ms']:>8} {row['bare_ms']:>8} "
                f"{row['over_bare']:>9} {row['pdf_kib']:>8}"
            )
        write(
            "bare: weasyprint.HTML(...).write_pdf(pdf_tags=True) on the same HTML, a fresh "
            "font configuration each time; ours includes the snapshot's queries and the HTML."
        )
        write(
            f"peak MiB (standard): 5: {figures['peak_mib_5']}, 10: {figures['peak_mib_10']}, "
            f"30: {figures['peak_mib_30']}"
        )
        write("")
        write(f"queries for 3 and 30 exercises: {figures['queries_3']}, {figures['queries_30']}")
        write(f"10 exercises, snapshot and HTML only: {figures['html_ms_10']} ms")
        write(
            f"10 exercises, bare weasyprint.HTML(...).write_pdf() on the same HTML: "
            f"{figures['baseline_ms_10']} ms; ours over that: {figures['render_over_baseline_10']}"
        )
        write(f"10 exercises, bare render with PDF tags: {figures['tagged_ms_10']} ms")
        write(
            f"download of an issued 10-exercise handout: {figures['download_ms']} ms; "
            f"render over download: {figures['render_over_download_10']}"
        )
        write(
            f"Illustrations: {figures['illustrations']} drawn in {figures['illustrations_ms']} ms "
            "(every shipped exercise's figure, from its pose)"
        )
        write(
            "peak MiB is Python heap (tracemalloc) during one render; Pango's own memory is not in it."
        )


def measure_layout(prescription, size: int, layout: str, choice: dict, repeat: int) -> dict:
    """Pages, render times and the bare-WeasyPrint comparison for one layout and size."""

    def render():
        return handouts.render_handout(
            prescription, issued_on=ISSUED_ON, patient_url=LINK, **choice
        )

    rendered = render()
    html = handouts.render_html(rendered.snapshot, LINK)
    runs = repeat if size < 30 else max(3, repeat // 3)
    times = timed(render, runs)
    bare = timed(lambda: bare_weasyprint(html, pdf_tags=True), runs)
    return {
        "layout": layout,
        "exercises": size,
        "pages": rendered.page_count,
        "median_ms": median_ms(times),
        "p95_ms": p95_ms(times),
        "bare_ms": median_ms(bare),
        "over_bare": round(median_ms(times) / median_ms(bare), 2),
        "pdf_kib": round(len(rendered.pdf) / 1024, 1),
    }


def bare_weasyprint(html: str, **options) -> bytes:
    """WeasyPrint as it comes: a fresh font configuration every time, no reuse.

    The handout's files still come through HandoutFetcher, as they must: its
    resources live under an address nothing else answers for.
    """
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=HandoutFetcher()).write_pdf(
        **options
    )


def draw_all(entries: list[dict]) -> None:
    for entry in entries:
        draw(entry["pose"], entry["name"], entry["slug"])


def peak_mib(prescription) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        handouts.render_handout(prescription, issued_on=ISSUED_ON, patient_url=LINK)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 2**20, 1)


def seed() -> tuple[User, dict[int, Prescription]]:
    """A clinic, a therapist, a patient and one programme per size, with realistic text."""
    clinic = Clinic.objects.create(
        name="Benchmark Physiotherapy",
        slug="benchmark",
        address="1 Test Street\nSpringfield",
        phone="555 0199",
        email="front@benchmark.example",
    )
    therapist = User.objects.create_user(
        "bench-therapist",
        clinic=clinic,
        role=Role.THERAPIST,
        is_staff=True,
        display_name="Sam Bench",
        credentials="PT",
    )
    patient = Patient.objects.create(
        clinic=clinic,
        chart_number="B-1",
        first_name="Robin",
        last_name="Example",
        date_of_birth=datetime.date(1960, 1, 2),
    )
    exercises = Exercise.objects.bulk_create(
        Exercise(
            name=f"Benchmark stretch {n}",
            slug=f"benchmark-stretch-{n}",
            kind=Kind.STRETCH,
            position=Position.SUPINE,
            purpose="Loosens the muscles at the side of the hip so the lower back works less.",
            steps="\n".join(
                [
                    "Lie on your back with both knees bent and your feet flat on the floor.",
                    "Cross your right ankle over your left knee.",
                    "Hold the back of your left thigh and pull it gently toward your chest.",
                    "Keep your head and shoulders relaxed on the floor.",
                    "Breathe slowly and let the stretch build, then switch sides.",
                ]
            ),
            precautions="Stop if you feel sharp pain in the hip or knee.\n"
            "Ask first if you have had a hip replacement.",
            hold=30,
            reps=3,
            side="each",
            times_per_day=1,
            days_per_week=5,
        )
        for n in range(max(SIZES))
    )
    programmes = {}
    for size in SIZES:
        prescription = Prescription.objects.create(
            patient=patient,
            therapist=therapist,
            title=f"Hip programme with {size} exercises",
            instructions="Warm up with a five-minute walk. Move slowly and breathe.",
            start_date=ISSUED_ON,
            review_date=ISSUED_ON + datetime.timedelta(days=28),
        )
        PrescriptionItem.objects.bulk_create(
            PrescriptionItem(
                prescription=prescription,
                exercise=exercise,
                order=n,
                note="Keep the movement small on the left side for now.",
                **exercise.dose_values(),
            )
            for n, exercise in enumerate(exercises[:size])
        )
        programmes[size] = prescription
    return therapist, programmes
