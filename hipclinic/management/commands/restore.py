from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hipclinic.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Bring back a backup made by `manage.py backup`: the database (SQLite backup API, or "
        "pg_restore --clean for PostgreSQL) and the media files. Everything written since the "
        "backup is lost, so stop the app servers first, and pass --yes to confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm replacing the current data."
        )

    def handle(self, *args, folder, yes, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces the database and media with the backup's. "
                "Stop the app servers, then run again with --yes."
            )
        try:
            manifest = restore(Path(folder))
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup made at {manifest['created_at']}.")
