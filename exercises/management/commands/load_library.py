from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises.library import LIBRARY_FILE, LibraryError, load_library


class Command(BaseCommand):
    help = (
        "Load or update the shared exercise library (exercises, muscles, equipment, protocols) "
        "from the TOML files in exercises/data/library/. Safe to run again: unchanged entries "
        "are not written, and clinics' own exercises and protocols are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=LIBRARY_FILE, help="Library folder (or one file) to load."
        )

    def handle(self, *args, file: Path, **options):
        try:
            report = load_library(file)
        except (LibraryError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(report))
