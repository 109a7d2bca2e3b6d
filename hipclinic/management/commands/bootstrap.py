from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare a database in one step: apply migrations, load the shared exercise library "
        "and the outcome measures, and (unless --no-demo) create the demo clinics and logins. This is what `make setup` "
        "and `make run` call; every step is safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="Skip the demo clinics (for real deployments)."
        )

    def handle(self, *args, no_demo: bool, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("load_library", stdout=self.stdout)
        call_command("load_measures", stdout=self.stdout)
        if not no_demo:
            call_command("seed_demo", stdout=self.stdout)
