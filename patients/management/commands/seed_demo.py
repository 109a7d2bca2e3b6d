from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exercises.models import Protocol
from patients.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create two demo clinics with staff logins, patients and programmes built from the "
        "shipped protocols. Safe to run again: only missing rows are created. Development only: "
        "refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password, so it refuses to run with "
                "DEBUG off. Use --force only on a throwaway database."
            )
        if not Protocol.objects.filter(clinic__isnull=True).exists():
            raise CommandError("The shared library is empty: run `manage.py load_library` first.")
        logins = seed_demo()
        self.stdout.write("Demo logins (development only), all with password " + DEMO_PASSWORD)
        for login in logins:
            self.stdout.write(f"  {login.username:<22} {login.role:<28} {login.clinic}")
