from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hipclinic.models import Clinic
from patients.measures import MEASURES_FOLDER, MeasureError
from patients.outcomes import load_measures


class Command(BaseCommand):
    help = (
        "Load or update outcome measures from definition files (TOML). Without options: the "
        "shipped measures in patients/data/measures/ (NPRS, PSFS, Global Rating of Change). "
        "With --clinic and --file: a clinic's own definition, for a questionnaire it holds a "
        "licence for, seen by that clinic only. Every file is checked first; errors name the "
        "file and the field. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            action="append",
            help="A definition file to load (repeat for more); needs --clinic.",
        )
        parser.add_argument("--clinic", type=int, help="The clinic's id (see the admin).")

    def handle(self, *args, file: list[Path] | None, clinic: int | None, **options):
        if bool(file) != (clinic is not None):
            raise CommandError("Give --clinic and --file together (or neither, for the shipped).")
        owner = None
        if clinic is not None:
            owner = Clinic.objects.filter(pk=clinic).first()
            if owner is None:
                raise CommandError(f"No clinic has the id {clinic}.")
        try:
            report = load_measures(MEASURES_FOLDER, files=file, clinic=owner)
        except (MeasureError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(report))
