"""The builder on a tablet (768 by 1024) and beside a phone's and a laptop's: adding an
exercise one press from the top, a navigation bar on one line (a long clinic name, in
English and Spanish), and the small drawings that tell moves apart in the rows, the
finder's results and the library list."""

import os

import pytest

from exercises.illustrations import update_drawing
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.e2e.test_programme_builder import keep_screenshot, row_titles
from tests.factories import ExerciseFactory, ManagerFactory

IN_VIEW = """(element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight
        && box.left >= 0 && box.right <= window.innerWidth;
}"""
# The picture's width once it has loaded (a lazy one loads once scrolled to); a broken
# picture fails the decode, and so the test.
LOADED_WIDTH = "(image) => image.decode().then(() => image.naturalWidth)"


@pytest.fixture
def drawn(transactional_db, clinic, programme):
    """The programme's three exercises with their drawings, and a drawn one to find."""
    bases = ["kneeling", "seated_floor", "supine"]
    for item, base in zip(programme.items.select_related("exercise"), bases, strict=True):
        item.exercise.pose = {"base": base}
        item.exercise.save()
        update_drawing(item.exercise)
    update_drawing(ExerciseFactory(clinic=None, name="Happy baby stretch", pose={"base": "supine"}))
    return programme


def test_on_a_tablet_adding_an_exercise_is_one_press_from_the_top(
    new_page, base_url, therapist, drawn
):
    page = new_page(width=768, height=1024)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{drawn.pk}/edit/")

    opener = page.get_by_role("link", name="Add an exercise")
    assert opener.evaluate(IN_VIEW)
    opener.click()
    search = page.get_by_label("Find an exercise")
    page.locator("#id_find-q:focus").wait_for()
    assert search.evaluate(IN_VIEW)

    page.keyboard.type("happy")
    add = page.get_by_role("button", name="Add Happy baby stretch")
    add.wait_for()
    # The README's picture: the panel open over the builder, as a tablet shows it.
    page.locator("#search-results img").evaluate("(image) => image.decode()")
    keep_screenshot(page, "builder-tablet.png", full_page=False)
    add.click()
    page.get_by_text("Added Happy baby stretch as exercise 4.").wait_for()
    page.locator("#builder :focus").wait_for()

    # The panel has closed, and the new row is in sight with focus in it.
    page.locator("#finder").wait_for(state="hidden")
    assert row_titles(page)[-1] == "Happy baby stretch"
    assert page.locator("#items > li").nth(3).locator("h3").evaluate(IN_VIEW)
    assert page.evaluate("document.activeElement.closest('#items > li').id") == (
        page.locator("#items > li").nth(3).get_attribute("id")
    )


# The width the page takes, against the window's: more would scroll sideways.
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", [390, 768, 992, 1200, 1280])
def test_the_navigation_bar_is_one_line_for_a_long_clinic_name_in_each_language(
    new_page, base_url, clinic, programme, width, language
):
    """A manager (one link more than a therapist: Admin) with a long name, of a clinic with
    a long name, in English and in Spanish (longer words): the bar never widens the page.
    From 1200 px the links, the name and Log out share one line; narrower, a tablet's too,
    the bar is the clinic's name and the menu button, which opens from the keyboard."""
    clinic.name = "Northside Physiotherapy"
    clinic.save()
    manager = ManagerFactory(
        clinic=clinic, display_name="Alexandra Montgomery-Whitfield", language=language
    )
    page = new_page(width=width, height=1024)
    log_in(page, base_url, manager)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    assert page.locator("html").get_attribute("lang") == language

    bar = page.locator("nav.navbar")
    brand = bar.locator(".navbar-brand")
    line = brand.bounding_box()
    toggler = bar.locator(".navbar-toggler")
    assert brand.inner_text() == "Northside Physiotherapy"
    assert brand.evaluate("(e) => e.scrollWidth <= e.clientWidth")  # the clinic's name whole
    assert page.evaluate(OVERFLOW) <= 0
    keep_navigation_screenshot(page, width, language)

    if width < 1200:
        assert toggler.is_visible()
        box = toggler.bounding_box()
        assert abs(box["y"] + box["height"] / 2 - (line["y"] + line["height"] / 2)) < 4
        assert box["x"] + box["width"] <= width
        admin = bar.locator('a[href="/admin/"]')
        assert not admin.is_visible()
        toggler.focus()
        page.keyboard.press("Enter")
        page.locator("#main-nav.show").wait_for()  # open, its animation over
        assert admin.is_visible()
        assert toggler.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Tab")  # from the button into the menu it opened
        assert page.evaluate("document.activeElement.closest('#main-nav') !== null")
        assert page.evaluate(OVERFLOW) <= 0
        keep_navigation_screenshot(page, width, language, "-open")
        return

    assert not toggler.is_visible()
    for item in [
        bar.locator(".nav-link").first,  # Today
        bar.locator('a[href="/admin/"]'),
        bar.locator(".navbar-user"),
        bar.locator('form[action="/logout/"] button'),
    ]:
        box = item.bounding_box()
        middle = box["y"] + box["height"] / 2
        assert abs(middle - (line["y"] + line["height"] / 2)) < 4  # on the brand's line
        assert box["height"] <= line["height"]  # one line of text, not several
        assert box["x"] + box["width"] <= width


def keep_navigation_screenshot(page, width: int, language: str, state: str = "") -> None:
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"navigation-{width}-{language}{state}.png"))


def test_rows_results_and_the_library_show_each_exercises_drawing(
    new_page, base_url, therapist, drawn
):
    page = new_page(width=1366, height=1024)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{drawn.pk}/edit/")
    page.get_by_label("Find an exercise").fill("happy")
    page.get_by_role("button", name="Add Happy baby stretch").wait_for()

    in_rows = page.locator("#items img.exercise-thumbnail")
    in_results = page.locator("#search-results img.exercise-thumbnail")
    assert in_rows.count() == 3
    assert in_results.count() == 1
    for image in [*in_rows.all(), *in_results.all()]:
        image.scroll_into_view_if_needed()
        assert image.evaluate(LOADED_WIDTH) > 0
        assert image.get_attribute("alt") == ""  # the name is beside it

    page.goto(f"{base_url}/library/")
    listed = page.locator("table img.exercise-thumbnail")
    assert listed.count() == 4
    for image in listed.all():
        image.scroll_into_view_if_needed()
        assert image.evaluate(LOADED_WIDTH) > 0


NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_the_builder_never_scrolls_sideways(new_page, base_url, therapist, drawn, width):
    """On a phone, a tablet and a laptop, closed and while finding an exercise. With
    HIPCLINIC_SCREENSHOTS=1 the pages are kept in var/e2e-artifacts/ to look at."""
    page = new_page(width=width, height=1024)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{drawn.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    keep_artifact(page, f"builder-{width}")
    if width < 1200:
        page.get_by_role("link", name="Add an exercise").click()
    page.get_by_label("Find an exercise").fill("stretch")
    page.get_by_role("button", name="Add Happy baby stretch").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    keep_artifact(page, f"builder-{width}-finding")


@pytest.mark.parametrize("width", [390, 768, 1366])
def test_the_library_never_scrolls_sideways(new_page, base_url, therapist, drawn, width):
    page = new_page(width=width, height=1024)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/library/")

    assert page.get_by_role("link", name="Happy baby stretch").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    keep_artifact(page, f"library-{width}")


def keep_artifact(page, name: str) -> None:
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
