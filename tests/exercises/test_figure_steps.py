"""Start and end positions: two figures side by side, each numbered with the step that
reaches it, never one faded over the other; and the checks on those step numbers."""

import re
import xml.etree.ElementTree as ET

import pytest

from exercises import figures, poses
from exercises.library import LibraryError, read_library
from tests.exercises.test_library import SMALL_LIBRARY

SHIPPED = read_library()["exercises"]
WITH_END = [entry for entry in SHIPPED if "end" in entry["pose"]]
SVG_NS = "{http://www.w3.org/2000/svg}"
BRIDGE = next(entry for entry in SHIPPED if entry["slug"] == "glute-bridge")
OPACITY = ("opacity", "fill-opacity", "stroke-opacity")


def draw(entry) -> ET.Element:
    return ET.fromstring(figures.draw(entry["pose"], entry["name"], entry["slug"]))


def figure_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG_NS}g") if "figure" in g.get("class", "").split()]


def x_range(group: ET.Element) -> tuple[float, float]:
    """Leftmost and rightmost x of everything drawn in ``group``, strokes and circles included."""
    xs = []
    for element in group.iter():
        width = float(element.get("stroke-width", 0)) / 2
        if element.tag == f"{SVG_NS}path":
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", element.get("d"))]
            xs += [x + pad for x in numbers[0::2] for pad in (-width, width)]
        elif element.tag == f"{SVG_NS}circle":
            cx, r = float(element.get("cx")), float(element.get("r"))
            xs += [cx - r - width, cx + r + width]
    return min(xs), max(xs)


def step_numbers(root: ET.Element) -> list[tuple[str, float]]:
    return [(text.text, float(text.get("x"))) for text in root.iter(f"{SVG_NS}text")]


def test_end_pose_is_drawn_as_two_figures_side_by_side():
    groups = figure_groups(draw(BRIDGE))

    assert len(groups) == 2
    (_, start_right), (end_left, _) = (x_range(group) for group in groups)
    assert start_right < end_left


def test_each_figure_is_numbered_underneath_with_the_step_that_reaches_it():
    root = draw(BRIDGE)
    groups = figure_groups(root)

    numbers = step_numbers(root)

    assert [label for label, _ in numbers] == ["1", "4"]
    for (_, x), group in zip(numbers, groups, strict=True):
        left, right = x_range(group)
        assert left < x < right


@pytest.mark.parametrize("entry", WITH_END, ids=[entry["slug"] for entry in WITH_END])
def test_every_shipped_end_pose_shows_two_numbered_figures(entry):
    root = draw(entry)

    assert len(figure_groups(root)) == 2
    expected = [str(entry["pose"].get("step", 1)), str(entry["pose"]["end"]["step"])]
    assert [label for label, _ in step_numbers(root)] == expected


@pytest.mark.parametrize("entry", WITH_END, ids=[entry["slug"] for entry in WITH_END])
def test_step_numbers_are_big_enough_to_read_printed_70_mm_wide(entry):
    root = draw(entry)
    frame_width = float(root.get("viewBox").split()[2])

    for circle, text in zip(
        root.findall(f"{SVG_NS}g/{SVG_NS}circle")[-2:], root.iter(f"{SVG_NS}text"), strict=True
    ):
        assert 2 * float(circle.get("r")) / frame_width * 70 >= 6  # mm across the circle
        # A bold digit stands about 0.72 of its font size: at least 3 mm, like 12 pt print.
        assert 0.72 * float(text.get("font-size")) / frame_width * 70 >= 3


def test_a_pose_without_an_end_is_one_figure_without_a_number():
    lying = next(entry for entry in SHIPPED if entry["slug"] == "lying-face-down")
    root = draw(lying)

    assert len(figure_groups(root)) == 1
    assert step_numbers(root) == []


@pytest.mark.parametrize("entry", SHIPPED, ids=[entry["slug"] for entry in SHIPPED])
def test_no_drawing_has_a_faded_figure(entry):
    root = draw(entry)

    for element in root.iter():
        for name in OPACITY:
            assert float(element.get(name, 1)) >= 1, (element.tag, name)
    colours = {
        element.get(key)
        for group in figure_groups(root)
        for element in group.iter()
        for key in ("stroke", "fill")
    }
    palette = figures.COLOURS
    held = {palette["prop"], palette["prop_fill"]}  # a ball, a strap, a stick
    assert colours <= {palette["near"], palette["far"], *held, "#fff", "none", None}


def test_a_stored_pose_that_asked_for_the_start_drawn_over_the_end_is_drawn_beside_it():
    pose = {**BRIDGE["pose"], "end": {**BRIDGE["pose"]["end"], "layout": "over"}}

    root = ET.fromstring(figures.draw(pose, "Bridge"))

    (_, start_right), (end_left, _) = (x_range(group) for group in figure_groups(root))
    assert start_right < end_left


def test_a_stored_end_pose_without_a_step_draws_without_numbers():
    """Poses saved before the numbers (a clinic's own) still draw: two figures, no guessing."""
    end = {key: value for key, value in BRIDGE["pose"]["end"].items() if key != "step"}

    root = ET.fromstring(figures.draw({**BRIDGE["pose"], "end": end}, "Bridge"))

    assert len(figure_groups(root)) == 2
    assert step_numbers(root) == []


# --- The checks on step numbers --------------------------------------------------------

POSE_WITH_END = """
[exercises.pose]
base = "seated_chair"
step = 1

[exercises.pose.end]
step = {end_step}
lean = 30
"""


def library_with_end_step(tmp_path, end_step: str):
    """The small library, whose seated stretch has three steps, with an end pose."""
    path = tmp_path / "stretches.toml"
    pose = POSE_WITH_END.format(end_step=end_step)
    if end_step == "":
        pose = pose.replace("step = \n", "")
    path.write_text(SMALL_LIBRARY.replace("times_per_day = 1\n", "times_per_day = 1\n" + pose, 1))
    return path


def test_library_refuses_an_end_step_beyond_the_exercises_steps(tmp_path):
    with pytest.raises(LibraryError) as refused:
        read_library(library_with_end_step(tmp_path, "4"))

    assert str(refused.value) == (
        "stretches.toml: exercise 'seated-stretch', field 'pose.end.step': 4 is beyond the "
        "exercise's steps (it has 3)."
    )


def test_library_refuses_an_end_pose_without_its_step(tmp_path):
    with pytest.raises(LibraryError, match="field 'pose.end.step': is missing"):
        read_library(library_with_end_step(tmp_path, ""))


def test_library_takes_an_end_step_among_the_exercises_steps(tmp_path):
    seated = read_library(library_with_end_step(tmp_path, "3"))["exercises"][0]

    assert seated["pose"]["end"]["step"] == 3


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (1, 0, "pose.end.step = 0 must be a step number"),
        (1, 2.5, "pose.end.step = 2.5 must be a step number"),
        ("one", 2, "pose.step = 'one' must be a step number"),
        (3, 2, "pose.end.step = 2 must come after the start's step (3)"),
    ],
)
def test_step_numbers_that_cannot_be_steps_are_refused(start, end, message):
    pose = {"base": "supine", "step": start, "end": {"step": end, "near": {"hip": 40}}}

    with pytest.raises(poses.PoseError) as refused:
        poses.check_pose(pose, "lying-marching", steps=5)

    assert str(refused.value).startswith(f"lying-marching: {message}")
