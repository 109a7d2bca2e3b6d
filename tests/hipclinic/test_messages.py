"""The message files (locale/) are never stale: they hold every string the code marks for
translation, and every language but English has each one translated. Both catalogues:
django.po (Python and templates) and djangojs.po (the JavaScript in static/).

The check runs `manage.py update_messages` (what `make messages` runs) in a copy of the
code and its committed message files, then compares: a string added or changed in the
code and not gathered, or gathered and not translated, fails here. GNU gettext's own
tools (msgcat, msgattrib) read the files.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CODE = ["manage.py", "hipclinic", "exercises", "patients", "templates", "static", "locale"]
DOMAINS = ["django", "djangojs"]
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def message_file(root: Path, language: str, domain: str = "django") -> Path:
    return root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def entries(path: Path) -> str:
    """The file's entries in a fixed order and layout, without the date it was gathered."""
    normal = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", "--no-location", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return "\n".join(line for line in normal.splitlines() if "POT-Creation-Date" not in line)


@pytest.fixture(scope="module")
def gathered(tmp_path_factory) -> Path:
    """A copy of the code whose message files `update_messages` has gathered again."""
    copy = tmp_path_factory.mktemp("messages")
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "update_messages"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    return copy


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_each_language_has_a_message_file(language, domain):
    assert message_file(ROOT, language, domain).is_file()


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_message_files_hold_every_string_the_code_marks(gathered, language, domain):
    assert entries(message_file(gathered, language, domain)) == entries(
        message_file(ROOT, language, domain)
    ), f"{domain}.po is stale: run `make messages`, then translate what is new."


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language, domain):
    for which in ("--untranslated", "--only-fuzzy"):
        left = subprocess.run(
            ["msgattrib", which, "--no-wrap", str(message_file(ROOT, language, domain))],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert left == "", f"{language} {domain}: entries still {which.removeprefix('--')}:\n{left}"
