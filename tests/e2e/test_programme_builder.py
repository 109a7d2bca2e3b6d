"""A therapist's whole job in a real browser: new patient, programme, handout.

These drive Debian's Chromium through Playwright against the live server; see
conftest.py. Set HIPCLINIC_SCREENSHOTS=1 (``make screenshots``) to refresh the
README's pictures in docs/screenshots/ from the same run.
"""

import os
from pathlib import Path

import pytest

from patients.models import Prescription
from tests.e2e.conftest import ROOT, accessibility_violations, log_in
from tests.factories import (
    ExerciseFactory,
    UserFactory,
)
from tests.pdfs import pdf_text

SCREENSHOTS = ROOT / "docs" / "screenshots"


def row_titles(page) -> list[str]:
    return [
        " ".join(text.split(". ", 1)[1:]) for text in page.locator("#items h3").all_inner_texts()
    ]


def drag(page, handle, target) -> None:
    """Drag by the handle to the top edge of ``target``, in small steps, as a hand would.

    The window is made as tall as the page to show both ends, as the mouse can only press
    what is on screen.
    """
    size = page.viewport_size
    whole = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(whole, size["height"])})
    # At once: Bootstrap makes scrolling smooth, and the boxes are measured right after.
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    start, end = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + 40, end["y"] + 5
    for step in range(1, 21):  # SortableJS checks the pointer's place every few milliseconds
        page.mouse.move(x0 + (x1 - x0) * step / 20, y0 + (y1 - y0) * step / 20)
        page.wait_for_timeout(25)
    page.mouse.up()
    page.set_viewport_size(size)


def keep_screenshot(page, name: str, *, full_page: bool = True) -> None:
    """Refresh a README picture, only when asked (the committed ones stay put otherwise)."""
    if os.environ.get("HIPCLINIC_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page, caret="initial")


def test_a_therapist_goes_from_new_patient_to_downloaded_handout(
    page, base_url, therapist, protocol, tmp_path
):
    log_in(page, base_url, therapist)

    # A new patient.
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Chart number").fill("HC-1001")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Date of birth").fill("1961-04-02")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Robin Okafor").wait_for()

    # A programme from a protocol.
    page.get_by_role("link", name="Start a new programme").click()
    page.get_by_label("A protocol").check()
    page.get_by_label("Protocol", exact=True).select_option(label="Outer hip strength (library)")
    page.get_by_role("button", name="Create draft").click()
    page.get_by_role("heading", name="Programme for Robin Okafor").wait_for()
    assert row_titles(page) == ["Clamshell", "Side-lying leg lift", "Glute bridge"]

    # Add an exercise found by search, without leaving the page.
    page.get_by_label("Find an exercise").fill("happy")
    page.get_by_role("button", name="Add Happy baby stretch").click()
    page.get_by_text("Added Happy baby stretch as exercise 4.").wait_for()
    assert row_titles(page)[-1] == "Happy baby stretch"

    # Change a dose: the glute bridge gets 3 sets.
    bridge = page.locator("#items > li").nth(2)
    bridge.get_by_label("Sets", exact=True).fill("3")

    # Drag the happy baby stretch to the top.
    drag(
        page,
        page.locator("#items > li").nth(3).locator(".drag-handle"),
        page.locator("#items > li").nth(0),
    )
    assert row_titles(page)[0] == "Happy baby stretch"
    accessibility_problems = accessibility_violations(page)
    keep_screenshot(page, "builder.png")

    page.get_by_role("button", name="Save programme").click()
    page.get_by_text("Saved “Outer hip strength”.").wait_for()

    # Issue, then download what was issued.
    page.get_by_role("button", name="Issue handout").click()
    page.get_by_text("Issued handout version 1").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download version 1").click()
    pdf = Path(download_info.value.path()).read_bytes()

    text = pdf_text(pdf)
    order = ["Happy baby stretch", "Clamshell", "Side-lying leg lift", "Glute bridge"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Do 3 sets of 10." in text
    assert "Robin Okafor" in text
    assert accessibility_problems == []


def test_the_second_of_two_simultaneous_saves_is_refused_and_the_first_survives(
    new_page, base_url, therapist, clinic, programme
):
    colleague = UserFactory(clinic=clinic, username="alex")
    mine, theirs = new_page(), new_page()
    log_in(mine, base_url, therapist)
    log_in(theirs, base_url, colleague)
    edit = f"{base_url}/programmes/{programme.pk}/edit/"
    mine.goto(edit)
    theirs.goto(edit)

    mine.locator("#items > li").nth(0).get_by_label("Note for this patient").fill("Mine first")
    mine.get_by_role("button", name="Save programme").click()
    mine.get_by_text("Saved “Back care”.").wait_for()

    theirs.locator("#items > li").nth(0).get_by_label("Note for this patient").fill("Theirs")
    theirs.get_by_role("button", name="Save programme").click()
    theirs.get_by_text("Someone saved this programme while you were editing it").wait_for()

    assert (
        theirs.locator("#items > li").nth(0).get_by_label("Note for this patient").input_value()
        == "Theirs"
    )
    programme.refresh_from_db()
    assert programme.revision == 2
    assert programme.items.get(order=0).note == "Mine first"


def tab_to(page, name: str, limit: int = 200) -> None:
    """Press Tab until the focused element's accessible text is ``name``; fail if never.

    The limit is a whole page's worth: after a swap of the builder, focus may start again
    from the top, and each row holds its dose fields (13) besides its buttons and note."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
                return (e.getAttribute('aria-label') || e.labels?.[0]?.innerText || e.innerText || '').trim(); }"""
        )
        if focused == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_the_builder_works_from_the_keyboard_alone(page, base_url, therapist, programme):
    ExerciseFactory(clinic=None, name="Happy baby stretch")
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")

    tab_to(page, "Find an exercise")
    page.keyboard.type("happy")
    page.get_by_role("button", name="Add Happy baby stretch").wait_for()
    tab_to(page, "Add Happy baby stretch")
    page.keyboard.press("Enter")
    page.get_by_text("Added Happy baby stretch as exercise 4.").wait_for()

    # Move it up twice; focus stays on the button, so Enter twice is enough.
    page.locator("#items h3").nth(3).wait_for()
    page.keyboard.press("Shift+Tab")  # back from wherever focus landed, then find the button
    tab_to(page, "Move Happy baby stretch up")
    page.keyboard.press("Enter")
    page.get_by_text("Moved to position 3.").wait_for()
    page.keyboard.press("Enter")
    page.get_by_text("Moved to position 2.").wait_for()
    assert row_titles(page) == ["Cat stretch", "Happy baby stretch", "Knee hug", "Pelvic tilt"]

    tab_to(page, "Save programme")
    page.keyboard.press("Enter")
    page.get_by_text("Saved “Back care”.").wait_for()
    names = list(programme.items.order_by("order").values_list("exercise__name", flat=True))
    assert names == ["Cat stretch", "Happy baby stretch", "Knee hug", "Pelvic tilt"]
    assert Prescription.objects.get(pk=programme.pk).revision == 2


def test_the_builder_works_without_javascript_by_reloading(
    new_page, base_url, therapist, programme
):
    ExerciseFactory(clinic=None, name="Happy baby stretch")
    page = new_page(javascript=False)
    log_in(page, base_url, therapist)
    page.goto(f"{base_url}/programmes/{programme.pk}/edit/")
    page.locator("#items > li").nth(1).get_by_label("Note for this patient").fill("Slowly")

    page.get_by_label("Find an exercise").fill("happy")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name="Add Happy baby stretch").click()
    page.get_by_role("button", name="Move Knee hug up").click()
    page.get_by_role("button", name="Remove Pelvic tilt").click()

    assert row_titles(page) == ["Knee hug", "Cat stretch", "Happy baby stretch"]
    assert (
        page.locator("#items > li").nth(0).get_by_label("Note for this patient").input_value()
        == "Slowly"
    )
    page.get_by_role("button", name="Save programme").click()
    page.get_by_text("Saved “Back care”.").wait_for()
    names = list(programme.items.order_by("order").values_list("exercise__name", "note"))
    assert names == [("Knee hug", "Slowly"), ("Cat stretch", ""), ("Happy baby stretch", "")]
