"""The builder from the keyboard alone: the exercise search a few Tabs from the top, and
focus that follows the row a button changed (Add, a swap, Remove), as a keyboard or
screen-reader user needs to carry on from where they were."""

import pytest

from tests.e2e.conftest import log_in
from tests.e2e.test_programme_builder import row_titles
from tests.factories import ExerciseFactory

FOCUSED_ROW = """() => {
    const row = document.activeElement.closest('li.programme-item');
    return row ? row.querySelector('h3').innerText.split('. ').slice(1).join('. ') : null;
}"""
IN_VIEW = """(element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def tabs_to_the_search(page, limit: int = 5) -> int:
    """Press Tab (and Enter on a skip link to the search) until the search field has focus;
    how many Tab presses that took, or fail after ``limit``."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText") == "Skip to exercise search":
            page.keyboard.press("Enter")
            # On a tablet the search slides in as a side panel first.
            page.locator("#id_find-q:focus").wait_for()
        if page.evaluate("document.activeElement.id") == "id_find-q":
            return presses
    pytest.fail(f"The exercise search was not reached in {limit} Tab presses")


def press(page, button: str) -> None:
    """Focus the button, press Enter, and wait for the builder htmx swaps in and for focus
    to settle in it (builder.js moves it once the swap has settled)."""
    page.evaluate("document.getElementById('builder').dataset.pressed = 'yes'")
    page.get_by_role("button", name=button).focus()
    page.keyboard.press("Enter")
    page.locator("#builder:not([data-pressed])").wait_for()
    page.locator("#builder :focus").wait_for()


@pytest.mark.parametrize("width", [1366, 768])
def test_the_exercise_search_is_at_most_5_tabs_from_page_load(
    new_page, base_url, therapist, programme, width
):
    page = new_page(width=width, height=1024)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")

    presses = tabs_to_the_search(page)

    assert presses <= 5
    assert page.locator("#id_find-q").is_visible()
    assert page.locator("#id_find-q").evaluate(IN_VIEW)


@pytest.fixture
def with_a_harder_knee_hug(transactional_db, clinic, programme):
    """The programme, a harder version of its knee hug, and one more exercise to find."""
    knee_hug = programme.items.get(order=1).exercise
    ExerciseFactory(clinic=clinic, name="Double knee hug", easier_version=knee_hug)
    ExerciseFactory(clinic=None, name="Happy baby stretch")
    return programme


def test_focus_follows_the_row_after_add_swap_and_remove(
    page, base_url, therapist, with_a_harder_knee_hug
):
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{with_a_harder_knee_hug.pk}/edit/")
    tabs_to_the_search(page)
    page.keyboard.type("happy")
    page.get_by_role("button", name="Add Happy baby stretch").wait_for()
    press(page, "Add Happy baby stretch")
    assert "Added Happy baby stretch as exercise 4." in page.locator("#builder-status").inner_text()

    # Add: the new row takes focus and is on screen.
    assert page.evaluate(FOCUSED_ROW) == "Happy baby stretch"
    assert page.locator("#items > li").nth(3).locator("h3").evaluate(IN_VIEW)

    # Swap: focus stays on the swapped row.
    press(page, "Harder: Double knee hug")
    assert page.evaluate(FOCUSED_ROW) == "Double knee hug"

    # Move keeps focus on its button, as before.
    press(page, "Move Happy baby stretch up")
    assert row_titles(page) == [
        "Cat stretch",
        "Double knee hug",
        "Happy baby stretch",
        "Pelvic tilt",
    ]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Move Happy baby stretch up"
    )

    # Remove in the middle: focus moves to the row that took its place.
    press(page, "Remove Double knee hug")
    assert row_titles(page) == ["Cat stretch", "Happy baby stretch", "Pelvic tilt"]
    assert page.evaluate(FOCUSED_ROW) == "Happy baby stretch"

    # Remove the last: focus moves to the one before it.
    press(page, "Remove Pelvic tilt")
    assert row_titles(page) == ["Cat stretch", "Happy baby stretch"]
    assert page.evaluate(FOCUSED_ROW) == "Happy baby stretch"
