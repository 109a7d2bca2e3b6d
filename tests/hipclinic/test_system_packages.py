"""The system-package check that `make run` and `make test` start with (scripts/system-packages).

On a machine where it cannot install (not root, no passwordless sudo, or no apt-get), a
missing package stops the command at once with one line naming the apt-get command,
instead of minutes of failing tests. The tests hide programs by running the check with a
PATH of their own: a folder of links to the real tools, less the ones a test takes away.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the check itself runs, plus what make needs to start it.
TOOLS = ["sh", "id", "sed", "tr", "grep", "cat", "make"]
# What `make test` checks for by command.
CHECKED = ["npm", "msgfmt", "pdftoppm", "chromium", "redis-server"]


def path_without(tmp_path: Path, *hidden: str) -> str:
    """A PATH with the tools and checked commands linked in, less ``hidden`` (and never apt-get
    or sudo, so the check cannot install and must answer with its one line)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in TOOLS + CHECKED:
        found = shutil.which(name)
        if name not in hidden and found:
            (folder / name).symlink_to(found)
    return str(folder)


def run_check(path: str, *command: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        list(command), cwd=ROOT, env={"PATH": path}, capture_output=True, text=True, timeout=60
    )
    return result, time.monotonic() - started


@pytest.fixture
def all_present():
    missing = [name for name in TOOLS + CHECKED if shutil.which(name) is None]
    if missing:
        pytest.fail(f"make test installs these first; missing here: {', '.join(missing)}")


def test_missing_pdftoppm_stops_make_test_at_once_naming_the_install_command(tmp_path, all_present):
    result, seconds = run_check(
        path_without(tmp_path, "pdftoppm"), "make", "--no-print-directory", "system-packages-test"
    )

    assert result.returncode != 0
    message = result.stderr.strip().splitlines()
    assert message[0] == (
        "make test needs system packages that are missing; install them with: "
        "sudo apt-get install -y --no-install-recommends poppler-utils"
    )
    assert seconds < 5


def test_missing_browser_and_npm_are_named_together_in_one_command(tmp_path, all_present):
    result, _ = run_check(
        path_without(tmp_path, "chromium", "npm"), "sh", "scripts/system-packages", "test"
    )

    assert result.returncode == 1
    assert result.stderr.strip().endswith("apt-get install -y --no-install-recommends npm chromium")
    assert len(result.stderr.strip().splitlines()) == 1


def test_serving_does_not_ask_for_the_test_only_packages(tmp_path, all_present):
    result, _ = run_check(
        path_without(tmp_path, "pdftoppm", "chromium"), "sh", "scripts/system-packages", "run"
    )

    assert result.returncode == 0
    assert result.stdout == result.stderr == ""


def test_nothing_missing_passes_silently(tmp_path, all_present):
    result, _ = run_check(path_without(tmp_path), "sh", "scripts/system-packages", "test")

    assert result.returncode == 0
    assert result.stdout == result.stderr == ""


def test_ci_and_make_use_the_one_list():
    """.ci/run and the Makefile call the check; neither keeps a package list of its own."""
    ci = (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()

    assert "make system-packages-test" in ci
    assert "poppler-utils" not in ci and "libpango" not in ci
    assert "setup: system-packages-run" in makefile
    assert "test: system-packages-test setup" in makefile


def test_the_load_test_asks_for_redis_and_not_for_the_test_only_packages(tmp_path, all_present):
    result, _ = run_check(
        path_without(tmp_path, "redis-server", "pdftoppm", "chromium"),
        "sh",
        "scripts/system-packages",
        "loadtest",
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith("apt-get install -y --no-install-recommends redis-server")
