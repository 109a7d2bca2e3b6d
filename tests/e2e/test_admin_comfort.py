"""The admin's programme and protocol pages on a 1366×768 laptop: their exercise rows fit
the page, "The patient reads" stays a sentence, and picking an exercise in a new row
fills in its usual dose."""

import pytest

from exercises.models import Side
from tests.e2e.conftest import log_in
from tests.factories import (
    ExerciseFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
)

LAPTOP = (1366, 768)
NAMES = ["Side-lying hip abduction with a long name", "Bridge", "Clamshell"]


@pytest.fixture
def manager(transactional_db, clinic):
    return ManagerFactory(clinic=clinic, username="morgan")


@pytest.fixture
def programme(manager):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=manager.clinic), therapist=manager, title="Hip set"
    )
    for order, name in enumerate(NAMES):
        PrescriptionItemFactory(
            prescription=programme,
            exercise=ExerciseFactory(clinic=manager.clinic, name=name),
            order=order,
            hold=5,
            times_per_day=2,
            days_per_week=5,
            rest_seconds=30,
            note="Keep your knees together and breathe out as you lift.",
        )
    return programme


@pytest.fixture
def protocol(manager):
    protocol = ProtocolFactory(clinic=manager.clinic, name="Outer hip")
    for order, name in enumerate(NAMES[:2]):
        ProtocolItemFactory(
            protocol=protocol,
            exercise=ExerciseFactory(clinic=manager.clinic, name=f"{name} (protocol)"),
            order=order,
            times_per_day=1,
        )
    return protocol


def overflow(page) -> dict:
    """Each inline group's and the page's width against what is in view, in pixels."""
    return page.evaluate(
        """() => ({
            inlines: [...document.querySelectorAll('.inline-group')].map(
                group => [group.id, group.scrollWidth, group.clientWidth]),
            page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
        })"""
    )


def reads_as_lines(page) -> list[int]:
    """How many lines each "The patient reads" sentence takes."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
            '.inline-related:not(.empty-form) .field-reads_as .readonly'
        )].map(element => {
            const text = document.createRange();
            text.selectNodeContents(element);
            return new Set([...text.getClientRects()].map(line => Math.round(line.top))).size;
        })"""
    )


@pytest.mark.parametrize("which", ["programme", "protocol"])
def test_exercise_rows_fit_a_laptop_screen(new_page, base_url, manager, request, which):
    record = request.getfixturevalue(which)
    page = new_page(*LAPTOP)
    log_in(page, base_url, manager)
    model = "patients/prescription" if which == "programme" else "exercises/protocol"

    page.goto(f"{base_url}/admin/{model}/{record.pk}/change/")

    widths = overflow(page)
    assert widths["inlines"], "no inline rows on the page"
    for group, scroll_width, client_width in widths["inlines"]:
        assert scroll_width <= client_width, group
    assert widths["page"][0] <= widths["page"][1]
    lines = reads_as_lines(page)
    assert len(lines) == len(record.items.all())
    assert all(count <= 2 for count in lines), lines  # a sentence, not a word a line
    assert page.get_by_text("The patient reads:").first.is_visible()
    assert page.get_by_label("Remove this row").first.is_visible()


def test_choosing_an_exercise_in_a_protocol_row_fills_its_dose(
    new_page, base_url, manager, protocol
):
    clamshell = ExerciseFactory(
        clinic=manager.clinic, name="Clamshell", sets=2, reps=12, side=Side.EACH, hold=None
    )
    page = new_page(*LAPTOP)
    log_in(page, base_url, manager)
    page.goto(f"{base_url}/admin/exercises/protocol/{protocol.pk}/change/")

    page.get_by_role("button", name="Add another Exercise").click()
    row = page.locator("#items-2")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("clamsh")
    page.locator(".select2-results__option", has_text="Clamshell").click()

    assert row.locator('input[name="items-2-sets"]').input_value() == "2"
    assert row.locator('input[name="items-2-reps"]').input_value() == "12"
    assert row.locator('select[name="items-2-side"]').input_value() == "each"
    assert row.locator('input[name="items-2-hold"]').input_value() == ""
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{base_url}/admin/exercises/protocol/")
    item = protocol.items.get(exercise=clamshell)
    assert (item.sets, item.reps, item.side, item.order) == (2, 12, Side.EACH, 2)


def test_a_dose_typed_before_choosing_the_exercise_is_kept(new_page, base_url, manager, protocol):
    ExerciseFactory(clinic=manager.clinic, name="Clamshell", sets=2, reps=12)
    page = new_page(*LAPTOP)
    log_in(page, base_url, manager)
    page.goto(f"{base_url}/admin/exercises/protocol/{protocol.pk}/change/")

    page.get_by_role("button", name="Add another Exercise").click()
    row = page.locator("#items-2")
    row.locator('input[name="items-2-sets"]').fill("4")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("clamsh")
    page.locator(".select2-results__option", has_text="Clamshell").click()

    assert row.locator('input[name="items-2-sets"]').input_value() == "4"
    assert row.locator('input[name="items-2-reps"]').input_value() == ""
