"""Drawn exercise figures: clean, deterministic SVG that fits its frame, from checked pose data."""

import copy
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import weasyprint
from PIL import Image, ImageChops

from exercises import figures, poses
from exercises.library import read_library
from hipclinic.svg import sanitize_svg

SHIPPED = read_library()["exercises"]
SVG_NS = "{http://www.w3.org/2000/svg}"
BALL_SQUEEZE = next(e for e in SHIPPED if e["slug"] == "inner-thigh-ball-squeeze")


def shipped_ids():
    return [entry["slug"] for entry in SHIPPED]


def draw(entry) -> str:
    return figures.draw(entry["pose"], entry["name"], entry["slug"])


def rasterise(svgs: list[str], folder, width_mm: float = 60) -> list[Image.Image]:
    """Each SVG on its own page exactly its size, through WeasyPrint and pdftoppm, as greyscale."""
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (see the README).")
    pages = []
    for svg in svgs:
        _, _, width, height = (float(v) for v in ET.fromstring(svg).get("viewBox").split())
        pages.append((width_mm * height / width, svg))
    # One page size per drawing, named pages so each page is exactly its picture.
    css = "".join(
        f"@page p{n} {{ size: {width_mm}mm {height:.3f}mm; margin: 0 }} .p{n} {{ page: p{n} }}"
        for n, (height, _) in enumerate(pages)
    )
    body = "".join(
        f'<div class="p{n}" style="break-after: page"><div style="width: {width_mm}mm; '
        f'height: {height:.3f}mm">{svg}</div></div>'
        for n, (height, svg) in enumerate(pages)
    )
    html = (
        f"<style>{css} body {{ margin: 0 }} svg {{ display: block; width: 100%; height: 100% }}"
        f"</style>{body}"
    )
    weasyprint.HTML(string=html).write_pdf(folder / "figures.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "figures.pdf", "figure"], cwd=folder, check=True
    )
    images = sorted(folder.glob("figure-*.png"))
    assert len(images) == len(svgs)
    return [Image.open(path).convert("L") for path in images]


@pytest.fixture(scope="module")
def shipped_pictures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    return dict(zip(shipped_ids(), rasterise([draw(e) for e in SHIPPED], folder), strict=True))


# --- Every shipped exercise -----------------------------------------------------------


def test_every_shipped_exercise_has_a_pose():
    assert len(SHIPPED) >= 45  # the 24 seed exercises and the low-back moves of issue 16
    assert [e["slug"] for e in SHIPPED if not e.get("pose")] == []


@pytest.mark.parametrize("entry", SHIPPED, ids=shipped_ids())
def test_shipped_drawing_is_plain_self_contained_svg(entry):
    svg = draw(entry)
    root = ET.fromstring(svg)

    assert root.tag == f"{SVG_NS}svg"
    assert len(root.get("viewBox").split()) == 4
    assert root.find(f"{SVG_NS}title").text == entry["name"]
    assert root.find(f".//{SVG_NS}script") is None
    for element in root.iter():
        for attribute in element.attrib:
            assert not attribute.lower().startswith("on"), attribute
            assert "href" not in attribute.lower(), attribute
    # The namespace is the only address in the file.
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "url(" not in svg
    # The upload rule keeps every drawing exactly as drawn: nothing in it is left out.
    assert sanitize_svg(svg.encode()) == svg.encode()
    assert len(svg.encode()) < 8 * 1024


@pytest.mark.parametrize("entry", SHIPPED, ids=shipped_ids())
def test_shipped_drawing_is_the_same_bytes_every_time(entry):
    first = draw(entry)
    again = figures.draw(copy.deepcopy(entry["pose"]), entry["name"], entry["slug"])

    assert first == again
    numbers = re.findall(r"-?\d+\.\d+", first)
    assert all(len(n.split(".")[1]) == 1 for n in numbers)  # one decimal at most


@pytest.mark.parametrize("slug", shipped_ids())
def test_shipped_picture_has_ink_and_stays_inside_its_frame(shipped_pictures, slug):
    picture = shipped_pictures[slug]
    width, height = picture.size
    pixels = picture.load()

    ink = sum(picture.histogram()[:160])
    assert ink > 0.03 * width * height, "the picture is (nearly) blank"
    border = [pixels[x, y] for x in range(width) for y in (0, height - 1)]
    border += [pixels[x, y] for y in range(height) for x in (0, width - 1)]
    assert min(border) >= 245, "something is drawn on the frame's edge: a limb is cut off"


def test_lying_on_the_back_and_sitting_give_different_pictures(tmp_path):
    seated = {**BALL_SQUEEZE["pose"], "base": "seated_floor"}
    supine_svg = draw(BALL_SQUEEZE)
    seated_svg = figures.draw(seated, BALL_SQUEEZE["name"])

    supine, sitting = rasterise([supine_svg, seated_svg], tmp_path)

    assert supine_svg != seated_svg
    # Lying down is a long, low drawing; sitting up stands taller for its width.
    supine_box, sitting_box = (ImageChops.invert(image).getbbox() for image in (supine, sitting))
    supine_ratio = (supine_box[3] - supine_box[1]) / (supine_box[2] - supine_box[0])
    sitting_ratio = (sitting_box[3] - sitting_box[1]) / (sitting_box[2] - sitting_box[0])
    assert sitting_ratio > 1.5 * supine_ratio


def test_side_lying_is_drawn_from_the_front_without_a_face():
    side_lying = next(e for e in SHIPPED if e["slug"] == "side-lying-outer-hip-leg-lift")
    supine = figures.solve(BALL_SQUEEZE["pose"])
    on_side = figures.solve(side_lying["pose"])

    assert (supine.view, on_side.view) == ("side", "front")
    assert supine.nose is not None and on_side.nose is None
    # Seen from the front, the near (top) hip sits above the far (bottom) one.
    assert on_side.points["near.hip"][1] > on_side.points["far.hip"][1]


def test_reaching_hand_ends_on_its_target():
    pose = {"base": "supine", "near": {"hip": 100, "knee": 90, "hand_to": "near.thigh"}}

    figure = figures.solve(pose)

    wrist, thigh = figure.points["near.wrist"], figure.points["near.thigh"]
    assert abs(wrist[0] - thigh[0]) < 0.5 and abs(wrist[1] - thigh[1]) < 0.5
    # Out of reach, the arm points straight at the target instead of breaking.
    far = figures.solve({"base": "supine", "near": {"hand_to": "near.toe"}})
    assert figures.math.dist(far.points["near.shoulder"], far.points["near.wrist"]) == (
        pytest.approx(figures.UPPER_ARM + figures.FOREARM, abs=0.2)
    )


def test_a_rounded_back_bows_up_and_a_hollow_back_sags_on_all_fours():
    straight = figures.solve({"base": "all_fours"})
    rounded = figures.solve({"base": "all_fours", "round": 30})
    hollow = figures.solve({"base": "all_fours", "round": -20})

    waist = [figure.points["waist"][1] for figure in (hollow, straight, rounded)]
    assert waist == sorted(waist) and len(set(waist)) == 3
    # The hands and knees stay where they were: only the back changes shape.
    assert rounded.points["near.knee"] == straight.points["near.knee"]
    assert rounded.points["near.hand"] == straight.points["near.hand"]


def test_a_bowed_back_is_drawn_as_a_curve_and_a_straight_one_as_a_line():
    rounded = figures.draw({"base": "all_fours", "round": 30}, "Cat")
    straight = figures.draw({"base": "all_fours"}, "Table")

    trunk = f'stroke-width="{figures.WIDTH["trunk"]}"'
    assert [d.count("L") for d in re.findall(rf'd="([^"]*)"[^>]*{trunk}', rounded)] == [12]
    assert [d.count("L") for d in re.findall(rf'd="([^"]*)"[^>]*{trunk}', straight)] == [1]


def test_end_pose_changes_only_what_it_names():
    pose = {
        "base": "supine",
        "near": {"hip": 30, "hand_to": "chest"},
        "far": {"hip": 45, "knee": 90},
        "end": {"near": {"hip": 75, "shoulder": 40}},
    }

    end = poses.end_pose(pose)

    assert end["near"] == {"hip": 75, "shoulder": 40}
    assert end["far"] == {"hip": 45, "knee": 90}
    assert "end" not in end


# --- Refused pose data ----------------------------------------------------------------


def groin_pose(**changes) -> dict:
    pose = {
        "base": "supine",
        "near": {"hip": 85, "knee": 90},
        "far": {"hip": 0},
        "props": [{"kind": "mat"}, {"kind": "chair", "at": "near.shin"}],
    }
    for path, value in changes.items():
        table = pose
        *parents, key = path.split("__")
        for parent in parents:
            table = table[int(parent)] if parent.isdigit() else table.setdefault(parent, {})
        table[int(key) if key.isdigit() else key] = value
    return pose


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"near__knee": 400},
            "supine-groin-stretch: pose.near.knee = 400 is out of range (0 to 160 degrees)",
        ),
        ({"far__hip": -90}, "pose.far.hip = -90 is out of range (-60 to 160 degrees)"),
        ({"props__1__kind": "trampoline"}, "pose.props[2].kind = 'trampoline' is not one of"),
        ({"props__1__at": "near.elbo"}, "pose.props[2].at = 'near.elbo' is not a part of the body"),
        ({"near__knea": 40}, "pose.near.knea is not a known key"),
        ({"colour": "red"}, "pose.colour is not a known key"),
        ({"near__knee": "ninety"}, "pose.near.knee = 'ninety' must be a number"),
        ({"near__knee": True}, "pose.near.knee = True must be a number"),
        ({"base": "handstand"}, "pose.base = 'handstand' is not one of"),
        ({"end__near__hip": 200}, "pose.end.near.hip = 200 is out of range"),
        ({"end__speed": 3}, "pose.end.speed is not a known key"),
        ({"near__hand_to": "near.knee", "near__shoulder": 10}, "pose.near.hand_to cannot be"),
        ({"arrows": [{"at": "pelvis"}]}, "pose.arrows[1].direction is missing"),
        ({"props__1__offset": [1, 2, 3]}, "pose.props[2].offset = [1, 2, 3] must be two numbers"),
    ],
)
def test_impossible_pose_is_refused_naming_exercise_and_field(changes, message):
    pose = groin_pose(**changes)

    with pytest.raises(poses.PoseError) as refused:
        poses.check_pose(pose, "supine-groin-stretch")
    assert message in str(refused.value)
    assert str(refused.value).startswith("supine-groin-stretch: pose.")
    with pytest.raises(poses.PoseError):  # never a broken picture either
        figures.draw(pose, "Lying groin stretch", "supine-groin-stretch")


def test_pose_that_is_not_a_table_is_refused():
    with pytest.raises(poses.PoseError, match="frog-pose: pose must be a table"):
        poses.check_pose(["all_fours"], "frog-pose")


def test_missing_base_is_refused():
    with pytest.raises(poses.PoseError, match=r"pose.base is missing \(one of standing"):
        poses.check_pose({"near": {"hip": 10}}, "frog-pose")
