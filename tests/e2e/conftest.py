"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

The browser is the machine's own ``/usr/bin/chromium`` (``.ci/run`` installs it
with apt-get); nothing is ever downloaded. A failing test leaves a full-page
screenshot in ``var/e2e-artifacts/`` for whoever reads the CI log.
"""

import os
import shutil
from pathlib import Path

import pytest

from patients.handouts import issue_handout
from tests.factories import (
    PASSWORD,
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    UserFactory,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "e2e-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# A closed network: no sandbox user namespaces in containers, no /dev/shm limits,
# and nothing that phones home (updates, sync, field trials, safe browsing).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    "--metrics-recording-only",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are ordinary synchronous ones. Only while browsers run.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def base_url(live_server, transactional_db):
    """The live server (pytest-django serves static files through the finders there)."""
    return live_server.url


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


csp_violations: dict = {}


def note_csp_violation(message, page) -> None:
    """Chromium reports what the Content-Security-Policy blocked on the console."""
    if "Content Security Policy" in message.text:
        csp_violations.setdefault(page, []).append(message.text)


@pytest.fixture
def new_page(browser, request):
    """A factory of pages, each in its own browser context (its own cookies, its own login)."""
    contexts = []

    def make(width: int = 1280, height: int = 900, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: note_csp_violation(message, page))
        return page

    yield make
    refused = [text for page in csp_violations for text in csp_violations[page]]
    csp_violations.clear()
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for number, context in enumerate(contexts):
            for page_number, page in enumerate(context.pages):
                name = f"{request.node.name}-{number}-{page_number}.png"
                page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    for context in contexts:
        context.close()
    assert refused == [], "the Content-Security-Policy refused something the page needs"


@pytest.fixture
def page(new_page):
    return new_page()


# --- A clinic's people and programmes, shared by the builder's tests ---------------------


@pytest.fixture
def therapist(transactional_db, clinic):
    return UserFactory(clinic=clinic, username="sam", display_name="Sam Rivera")


@pytest.fixture
def protocol(transactional_db, clinic):
    """A shared-library protocol of three exercises, and one more exercise to find."""
    protocol = ProtocolFactory(clinic=None, name="Outer hip strength")
    for order, name in enumerate(["Clamshell", "Side-lying leg lift", "Glute bridge"]):
        ProtocolItemFactory(
            protocol=protocol,
            order=order,
            exercise=ExerciseFactory(clinic=None, name=name),
            sets=2,
            reps=10,
        )
    ExerciseFactory(clinic=None, name="Happy baby stretch", sets=None, reps=None, hold=30)
    return protocol


@pytest.fixture
def programme(transactional_db, clinic, therapist):
    patient = PatientFactory(clinic=clinic, first_name="Kim", last_name="Lee")
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title="Back care")
    for order, name in enumerate(["Cat stretch", "Knee hug", "Pelvic tilt"]):
        PrescriptionItemFactory(
            prescription=programme,
            order=order,
            exercise=ExerciseFactory(clinic=clinic, name=name),
        )
    return programme


def issued_to_kim(clinic, therapist, title: str, exercise: str, **patient):
    """Kim Lee's programme ``title`` of one shared exercise, issued by ``therapist`` (which
    makes her link, printed as the handout's QR code)."""
    patient = PatientFactory(clinic=clinic, first_name="Kim", last_name="Lee", **patient)
    programme = PrescriptionFactory(patient=patient, therapist=therapist, title=title)
    PrescriptionItemFactory(
        prescription=programme, order=0, exercise=ExerciseFactory(clinic=None, name=exercise)
    )
    return issue_handout(programme, therapist)


def log_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def accessibility_violations(page) -> list[str]:
    """What axe-core (from npm) finds wrong with the page against WCAG 2 A and AA."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern;
    # a <script> tag would be (rightly) refused by our policy.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"""
    )
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]
