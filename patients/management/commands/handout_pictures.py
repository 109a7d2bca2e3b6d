import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patients.handouts import render_handout
from patients.links import link_url, live_link_for
from patients.models import Layout, Prescription

DEMO_CHART = "N-1001"
# (file, layout, large print, the page to show)
PICTURES = [
    ("handout-page-1.png", Layout.FULL, False, 1),
    ("handout-large-print.png", Layout.FULL, True, 2),
    ("handout-summary.png", Layout.SUMMARY, False, 1),
]


class Command(BaseCommand):
    help = (
        "Draw the README's handout pictures (docs/screenshots/handout-*.png) from the demo "
        "clinic's real programme (Maria Okafor's, chart N-1001): page 1 of the standard "
        "sheet, a large-print page and the summary. Needs the demo data (make setup) and "
        "poppler's pdftoppm; `make screenshots` runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--into",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs" / "screenshots",
            help="The folder to draw into (default: docs/screenshots).",
        )

    def handle(self, *args, **options):
        programme = (
            Prescription.objects.filter(patient__chart_number=DEMO_CHART).order_by("pk").first()
        )
        if programme is None:
            raise CommandError(f"No demo programme for {DEMO_CHART}: run `make setup` first.")
        folder = options["into"]
        folder.mkdir(parents=True, exist_ok=True)
        patient_url = link_url(live_link_for(programme.patient))
        for name, layout, large_print, page in PICTURES:
            rendered = render_handout(
                programme, layout=layout, large_print=large_print, patient_url=patient_url
            )
            pdf = rendered.pdf
            with tempfile.TemporaryDirectory() as work:
                source = Path(work) / "handout.pdf"
                source.write_bytes(pdf)
                stem = Path(work) / "page"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "60",
                        "-singlefile",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        str(source),
                        str(stem),
                    ],
                    check=True,
                )
                (folder / name).write_bytes(stem.with_suffix(".png").read_bytes())
            self.stdout.write(f"Drew {folder / name}")
