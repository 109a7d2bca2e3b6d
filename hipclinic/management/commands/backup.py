import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hipclinic.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite online backup, or pg_dump for "
        "PostgreSQL) and the media files to a new folder, default var/backups/<time>/. "
        "`manage.py restore FOLDER` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="A new or empty folder for this backup.")

    def handle(self, *args, folder=None, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(folder) if folder else Path(settings.BASE_DIR) / "var" / "backups" / stamp
        try:
            manifest = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {manifest['database']} database and {manifest['media_files']} "
            f"media files to {target}"
        )
