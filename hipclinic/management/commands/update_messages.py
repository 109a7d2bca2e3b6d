from django.core.management import call_command
from django.core.management.base import BaseCommand

# Every language's message file, file names without line numbers (so moving a line changes
# nothing), and never the virtualenv, npm's packages, run-time files or the tests.
OPTIONS = {
    "all": True,
    "add_location": "file",
    "ignore_patterns": [".venv", "node_modules", "var", "docs", "loadtest", "tests", "static"],
    "verbosity": 0,
}


class Command(BaseCommand):
    help = (
        "Gather every string marked for translation into locale/<language>/LC_MESSAGES/"
        "django.po (`make messages`). Then translate what is new or changed: `make test` "
        "fails while an entry is missing."
    )

    def handle(self, *args, **options):
        call_command("makemessages", **OPTIONS)
