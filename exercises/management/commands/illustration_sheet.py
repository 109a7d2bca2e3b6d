"""Contact sheet of every shipped exercise's drawing: docs/illustrations.html and .png."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import weasyprint
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from exercises import figures, poses
from exercises.library import LIBRARY_FILE, LibraryError, read_library

DOCS = Path(settings.BASE_DIR) / "docs"
COLUMNS = 4


def sheet_html(path: Path = LIBRARY_FILE) -> str:
    """An HTML page with each exercise's drawing and name, in library order, in a grid."""
    exercises = [
        {
            "name": entry["name"],
            "slug": entry["slug"],
            "position": entry.get("position", ""),
            # Our own SVG: numbers, fixed element names and an escaped title only.
            "svg": mark_safe(figures.draw(entry["pose"], entry["name"], entry["slug"])),
        }
        for entry in read_library(path)["exercises"]
        if entry.get("pose")
    ]
    rows = -(-len(exercises) // COLUMNS)
    return render_to_string(
        "exercises/illustration_sheet.html",
        {"exercises": exercises, "page_height_mm": 22 + rows * 56},
    )


def write_png(html: str, target: Path, dpi: int = 110) -> None:
    """Render ``html`` with WeasyPrint and rasterise its one page with poppler's pdftoppm."""
    if not shutil.which("pdftoppm"):
        raise CommandError("pdftoppm is missing: install poppler-utils.")
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "sheet.pdf"
        weasyprint.HTML(string=html).write_pdf(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                str(pdf),
                str(target.with_suffix("")),
            ],
            check=True,
        )


class Command(BaseCommand):
    help = (
        "Draw every shipped exercise's illustration from exercises/data/library/ (no "
        "database needed) into a grid with its name: docs/illustrations.html and a PNG of it, "
        "docs/illustrations.png (WeasyPrint, then pdftoppm)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=LIBRARY_FILE, help="Library folder (or one file) to read."
        )
        parser.add_argument("--out", type=Path, default=DOCS, help="Folder to write into.")

    def handle(self, *args, file: Path, out: Path, **options):
        try:
            html = sheet_html(file)
        except (LibraryError, poses.PoseError) as error:
            raise CommandError(str(error)) from error
        out.mkdir(parents=True, exist_ok=True)
        (out / "illustrations.html").write_text(html, encoding="utf-8")
        write_png(html, out / "illustrations.png")
        self.stdout.write(f"Wrote {out / 'illustrations.html'} and {out / 'illustrations.png'}.")
