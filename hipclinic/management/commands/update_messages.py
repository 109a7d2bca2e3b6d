from django.core.management import call_command
from django.core.management.base import BaseCommand

# Every language's message file, file names without line numbers (so moving a line changes
# nothing), and never the virtualenv, npm's packages, run-time files or the tests.
IGNORED = [".venv", "node_modules", "var", "docs", "loadtest", "tests"]
COMMON = {"all": True, "add_location": "file", "verbosity": 0}
# Two catalogues, as Django keeps them: "django" for the Python code and the templates,
# "djangojs" for the strings our JavaScript (static/) shows, which the browser reads
# through the JavaScript catalogue view (hipclinic/urls.py, "javascript_catalog").
DOMAINS = {
    "django": {"ignore_patterns": [*IGNORED, "static"]},
    "djangojs": {"ignore_patterns": IGNORED},
}


class Command(BaseCommand):
    help = (
        "Gather every string marked for translation into locale/<language>/LC_MESSAGES/"
        "django.po (Python and templates) and djangojs.po (JavaScript) (`make messages`). "
        "Then translate what is new or changed: `make test` fails while an entry is missing."
    )

    def handle(self, *args, **options):
        for domain, extra in DOMAINS.items():
            call_command("makemessages", domain=domain, **COMMON, **extra)
