"""The core (hipclinic/) is a layer the apps stand on: it imports no app at run time; and
the exercise library imports no patient module (no cycle between the two apps).

Only the files that are project-level by nature may name the apps (the URL
configuration, settings, migrations); everything else in the core must work without
exercises or patients, which talk to it through its models, querysets and signals.
"""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "hipclinic"
APPS = {"exercises", "patients"}
PROJECT_LEVEL = {"urls.py", "settings.py", "wsgi.py", "asgi.py"}


def app_imports(path: Path) -> list[str]:
    """The app modules ``path`` imports, anywhere in the file (top level or in a function)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in APPS]
    return found


def core_modules() -> list[Path]:
    return [
        path
        for path in sorted(CORE.rglob("*.py"))
        if path.name not in PROJECT_LEVEL and "migrations" not in path.parts
    ]


def test_the_core_imports_no_app():
    offenders = {
        str(path.relative_to(CORE.parent)): names
        for path in core_modules()
        if (names := app_imports(path))
    }

    assert offenders == {}


def test_the_exercise_library_imports_no_patient_module():
    """Patients stand on the library (a programme uses exercises and doses), never the
    other way round, so the two apps have no import cycle."""
    library = CORE.parent / "exercises"
    offenders = {
        str(path.relative_to(CORE.parent)): names
        for path in sorted(library.rglob("*.py"))
        if "migrations" not in path.parts
        and (names := [name for name in app_imports(path) if name.startswith("patients")])
    }

    assert offenders == {}


def test_the_check_reads_imports_inside_functions_too(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "import os\n"
        "from hipclinic.models import Clinic\n"
        "def later():\n"
        "    from patients.tasks import rebrand_handouts\n"
        "    import exercises.models\n"
    )

    assert app_imports(module) == ["patients.tasks", "exercises.models"]
    assert len(core_modules()) > 20  # the core's modules are really read
