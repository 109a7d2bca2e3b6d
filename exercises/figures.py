"""Drawing an exercise's figure from pose data (``exercises.poses``), as a small SVG.

The figure is placed by forward kinematics from the pelvis; the pose's base gives the
trunk's orientation and the view. A pose with an ``end`` is drawn twice, start and end
side by side, each numbered with the step that reaches it. Everything is then moved so
its lowest point sits on the floor line, and the picture is framed around what was
drawn, so no limb is ever cut off.

Output is deterministic (coordinates rounded to one decimal), has a viewBox and
a <title>, and holds no scripts, links or external references.
"""

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from exercises.poses import BASES, SIDES, check_pose, end_pose

# Body proportions, in centimetres of a 170 cm adult.
TRUNK = 50  # hip joint to shoulder joint
NECK = 7
HEAD_RADIUS = 10.5
THIGH = 42
SHIN = 42
FOOT = 17
UPPER_ARM = 29
FOREARM = 25
HAND = 8
HIP_HALF_WIDTH = 9  # front view only
SHOULDER_HALF_WIDTH = 16
TWIST_SHIFT = 9  # how far a twisted trunk moves the shoulders apart in profile
SEAT_HEIGHT = 45

WIDTH = {
    "trunk": 18,
    "neck": 7,
    "thigh": 11,
    "shin": 8.5,
    "foot": 5.5,
    "upper_arm": 7,
    "forearm": 6,
    "hand": 5,
    "front_trunk": 9,
}
HALO = 3  # white edge around near limbs, so a crossing limb reads as in front

ACCENT = "#1d4e89"
# Printed in black and white the near limbs must stay darker than the far ones by a quarter
# of the grey scale, and every line must stand out from the paper (tests/exercises/
# test_figure_contrast.py holds the palette to both).
COLOURS = {
    "near": ACCENT,
    "far": "#7a93b1",
    "prop": "#6e6e6e",
    "prop_fill": "#e6e6e6",
    "mat": "#d4d4d4",
    "floor": "#8a8a8a",
    "arrow": "#333333",
    "number": "#1a1a1a",
}
MARGIN = 8
FIGURE_GAP = 24  # between the start and the end figure, each with its props
# A step number's circle is this share of the picture's width across: about 6.5 mm when the
# picture is printed 70 mm wide (40% of an A4 column), so its bold digit prints about 13 pt.
NUMBER_SHARE = 0.095
# The frame is never narrower than 4:3 nor wider than 5:2, so pictures sit alike in a handout.
MIN_ASPECT, MAX_ASPECT = 4 / 3, 5 / 2


# ---------------------------------------------------------------------------
# Geometry: where every joint is.


def along(angle: float, length: float = 1.0) -> tuple[float, float]:
    radians = math.radians(angle)
    return (math.cos(radians) * length, math.sin(radians) * length)


def plus(a, b):
    return (a[0] + b[0], a[1] + b[1])


def angle_to(a, b) -> float:
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def reach(root, target, first: float, second: float, bend: int) -> tuple[tuple, float, float]:
    """Two segments from ``root`` ending at ``target`` (or as near as they get).

    ``bend`` is the sign of the turn from the first segment to the second, which
    keeps a knee or elbow bending the way it can. Returns the middle joint and
    the two segments' directions.
    """
    distance = math.dist(root, target)
    distance = min(max(distance, abs(first - second) + 0.1), first + second - 0.1)
    base = angle_to(root, target)
    cosine = (first**2 + distance**2 - second**2) / (2 * first * distance)
    opening = math.degrees(math.acos(max(-1.0, min(1.0, cosine))))
    first_angle = base - bend * opening
    joint = plus(root, along(first_angle, first))
    end = plus(root, along(base, distance))
    return joint, first_angle, angle_to(joint, end)


@dataclass
class Figure:
    """The solved pose: joint positions, segment directions and landmarks, in model space (y up)."""

    base: str
    view: str
    trunk_angle: float
    points: dict = field(default_factory=dict)
    segments: list = field(default_factory=list)  # (layer, part, start, end)
    head: tuple = (0.0, 0.0)
    nose: tuple | None = None
    spine: tuple | None = None  # the control point of a bowed back (side view only)

    def point(self, name: str, offset=(0, 0)) -> tuple:
        return plus(self.points[name], tuple(offset))

    def back(self, steps: int = 12) -> list:
        """Points along the back from the pelvis to the shoulders: two, or a curve if bowed."""
        pelvis, shoulders = self.points["pelvis"], self.points["shoulders"]
        if not self.spine:
            return [pelvis, shoulders]
        return [_on_spine(pelvis, self.spine, shoulders, step / steps) for step in range(steps + 1)]


def solve(pose: dict) -> Figure:
    """Place every segment of ``pose`` by forward kinematics from the pelvis."""
    base = BASES[pose["base"]]
    trunk_angle = base.trunk - pose.get("lean", base.lean)
    front = trunk_angle - 90  # the body's front (side view) or its near side (front view)
    figure = Figure(base=pose["base"], view=base.view, trunk_angle=trunk_angle)
    shoulders = along(trunk_angle, TRUNK)
    neck_angle = trunk_angle - pose.get("neck", 0)
    figure.head = plus(shoulders, along(neck_angle, NECK + HEAD_RADIUS))
    if base.view == "side":
        figure.nose = plus(figure.head, along(neck_angle - 90, HEAD_RADIUS - 1))
    waist, chest = along(trunk_angle, TRUNK * 0.3), along(trunk_angle, TRUNK * 0.65)
    if base.view == "side" and pose.get("round"):
        bow = math.tan(math.radians(pose["round"])) * TRUNK / 2
        figure.spine = plus(along(trunk_angle, TRUNK / 2), along(trunk_angle + 90, bow))
        waist = _on_spine((0.0, 0.0), figure.spine, shoulders, 0.3)
        chest = _on_spine((0.0, 0.0), figure.spine, shoulders, 0.65)
    figure.points.update(
        pelvis=(0.0, 0.0),
        waist=waist,
        chest=chest,
        shoulders=shoulders,
        head=figure.head,
    )
    figure.segments.append(("body", "neck", shoulders, plus(shoulders, along(neck_angle, NECK))))

    twist = math.sin(math.radians(pose.get("twist", 0))) * TWIST_SHIFT
    signs = {"near": 1, "far": 1 if base.view == "side" else -1}
    limbs = {side: {**getattr(base, side), **pose.get(side, {})} for side in SIDES}
    for side in SIDES:
        if "ankle_to" in pose.get(side, {}):
            limbs[side].pop("hip", None), limbs[side].pop("knee", None)
        if "hand_to" in pose.get(side, {}):
            limbs[side].pop("shoulder", None), limbs[side].pop("elbow", None)
    for side in SIDES:
        sign = signs[side]
        if base.view == "front":
            figure.points[f"{side}.hip"] = along(front, sign * HIP_HALF_WIDTH)
            figure.points[f"{side}.shoulder"] = plus(
                shoulders, along(front, sign * SHOULDER_HALF_WIDTH)
            )
        else:
            figure.points[f"{side}.hip"] = (0.0, 0.0)
            shift = twist if side == "near" else -twist
            figure.points[f"{side}.shoulder"] = plus(shoulders, along(front, shift))

    # Legs placed by angles first, so a reaching leg or arm can find them.
    ordered = sorted(SIDES, key=lambda side: "ankle_to" in limbs[side])
    for side in ordered:
        _leg(figure, side, limbs[side], trunk_angle, signs[side])
    ordered = sorted(SIDES, key=lambda side: "hand_to" in limbs[side])
    for side in ordered:
        _arm(figure, side, limbs[side], trunk_angle, signs[side])
    return figure


def _on_spine(pelvis, control, shoulders, t: float) -> tuple:
    """The point ``t`` of the way along a bowed back (a quadratic curve through ``control``)."""
    return tuple(
        (1 - t) ** 2 * pelvis[axis] + 2 * (1 - t) * t * control[axis] + t * t * shoulders[axis]
        for axis in (0, 1)
    )


def _leg(figure: Figure, side: str, limbs: dict, trunk_angle: float, sign: int) -> None:
    hip = figure.points[f"{side}.hip"]
    thigh_length = THIGH * math.cos(math.radians(limbs.get("turn_out", 0)))
    if "ankle_to" in limbs:
        target = figure.point(limbs["ankle_to"], limbs.get("ankle_offset", (0, 0)))
        knee, _, shin_angle = reach(hip, target, thigh_length, SHIN, -sign)
    else:
        thigh_angle = trunk_angle + 180 + sign * limbs["hip"]
        knee = plus(hip, along(thigh_angle, thigh_length))
        shin_angle = thigh_angle - sign * limbs["knee"]
    ankle = plus(knee, along(shin_angle, SHIN))
    foot_angle = shin_angle + sign * (90 + limbs.get("ankle", 0))
    foot_length = FOOT if figure.view == "side" else FOOT * 0.5
    heel = plus(ankle, along(foot_angle, -3))
    toe = plus(ankle, along(foot_angle, foot_length))
    figure.points.update(
        {
            f"{side}.thigh": midpoint(hip, knee),
            f"{side}.knee": knee,
            f"{side}.shin": midpoint(knee, ankle),
            f"{side}.ankle": ankle,
            f"{side}.heel": heel,
            f"{side}.toe": toe,
        }
    )
    figure.segments += [
        (side + "_leg", "thigh", hip, knee),
        (side + "_leg", "shin", knee, ankle),
        (side + "_leg", "foot", heel, toe),
    ]


def _arm(figure: Figure, side: str, limbs: dict, trunk_angle: float, sign: int) -> None:
    shoulder = figure.points[f"{side}.shoulder"]
    if "hand_to" in limbs:
        target = figure.point(limbs["hand_to"], limbs.get("hand_offset", (0, 0)))
        elbow, _, forearm_angle = reach(shoulder, target, UPPER_ARM, FOREARM, sign)
    else:
        arm_angle = trunk_angle + 180 + sign * limbs["shoulder"]
        elbow = plus(shoulder, along(arm_angle, UPPER_ARM))
        forearm_angle = arm_angle + sign * limbs["elbow"]
    wrist = plus(elbow, along(forearm_angle, FOREARM))
    hand = plus(wrist, along(forearm_angle, HAND))
    figure.points.update(
        {
            f"{side}.elbow": elbow,
            f"{side}.forearm": midpoint(elbow, wrist),
            f"{side}.wrist": wrist,
            f"{side}.hand": hand,
        }
    )
    figure.segments += [
        (side + "_arm", "upper_arm", shoulder, elbow),
        (side + "_arm", "forearm", elbow, wrist),
        (side + "_arm", "hand", wrist, hand),
    ]


def midpoint(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


# ---------------------------------------------------------------------------
# Drawing.


def number(value: float) -> str:
    """``value`` to one decimal, without a trailing ``.0`` or a negative zero."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0"
    return f"{rounded:.1f}".rstrip("0").rstrip(".")


class Canvas:
    """SVG elements in model space (y up), with the bounds of everything drawn."""

    def __init__(self):
        self.elements: list[str] = []
        self.low = [math.inf, math.inf]
        self.high = [-math.inf, -math.inf]

    def cover(self, point, pad: float = 0) -> None:
        for axis in (0, 1):
            self.low[axis] = min(self.low[axis], point[axis] - pad)
            self.high[axis] = max(self.high[axis], point[axis] + pad)

    def xy(self, point) -> str:
        return f"{number(point[0])} {number(-point[1])}"

    def line(self, a, b, width: float, colour: str) -> None:
        self.cover(a, width / 2), self.cover(b, width / 2)
        self.elements.append(
            f'<path d="M{self.xy(a)}L{self.xy(b)}" stroke="{colour}" stroke-width="{number(width)}"/>'
        )

    def path(self, points: list, width: float, colour: str, fill: str = "none") -> None:
        for point in points:
            self.cover(point, width / 2)
        d = "M" + "L".join(self.xy(point) for point in points) + ("Z" if fill != "none" else "")
        self.elements.append(
            f'<path d="{d}" stroke="{colour}" stroke-width="{number(width)}" fill="{fill}"/>'
        )

    def circle(self, centre, radius: float, fill: str, stroke: str = "none", width=0.0) -> None:
        self.cover(centre, radius + width / 2)
        x, y = self.xy(centre).split()
        extra = f' stroke="{stroke}" stroke-width="{number(width)}"' if width else ""
        self.elements.append(
            f'<circle cx="{x}" cy="{y}" r="{number(radius)}" fill="{fill}"{extra}/>'
        )

    def text(self, centre, size: float, label: str, colour: str) -> None:
        """``label`` in bold, centred on ``centre`` (the digits' middle, not their baseline)."""
        self.cover(centre, size / 2)
        x, y = centre[0], -centre[1] + 0.36 * size  # a digit stands about 0.72 em tall
        self.elements.append(
            f'<text x="{number(x)}" y="{number(y)}" font-size="{number(size)}" '
            f'font-family="sans-serif" font-weight="bold" text-anchor="middle" '
            f'fill="{colour}" stroke="none">{escape(label)}</text>'
        )

    def box(self, low, high, fill: str, stroke: str = "none", width=0.0, radius=1.0) -> None:
        self.cover(low, width / 2), self.cover(high, width / 2)
        extra = f' stroke="{stroke}" stroke-width="{number(width)}"' if width else ""
        self.elements.append(
            f'<rect x="{number(low[0])}" y="{number(-high[1])}" width="{number(high[0] - low[0])}" '
            f'height="{number(high[1] - low[1])}" rx="{number(radius)}" fill="{fill}"{extra}/>'
        )


def draw(pose: dict, title: str, where: str = "pose") -> str:
    """The SVG drawing of ``pose``, titled ``title``; PoseError naming ``where`` if it cannot be drawn.

    A pose with an end is drawn as two figures side by side, the start on the left, each
    numbered underneath with the step that reaches it (a pose stored before steps were
    numbered draws without the numbers). Never one faded over the other: a faded figure
    vanishes on a black-and-white printer.
    """
    check_pose(pose, where)
    figures = [solve(pose)]
    if "end" in pose:
        figures.append(solve(end_pose(pose)))
    props = pose.get("props", [])
    _stand_on_floor(figures, props)

    canvas = Canvas()
    has_mat = any(prop["kind"] == "mat" for prop in props)
    _floor(canvas, figures, has_mat)
    for figure in figures:
        _props_on_floor(canvas, figure, props)
    for figure, name in zip(figures, ("start", "end"), strict=False):
        canvas.elements.append(f'<g class="figure {name}">')
        _figure(canvas, figure, props)
        canvas.elements.append("</g>")
    for arrow in pose.get("arrows", []):
        figure = figures[0] if arrow.get("pose") == "start" else figures[-1]
        _arrow(canvas, figure, arrow)
    step_numbers = (pose.get("step", 1), pose.get("end", {}).get("step"))
    if len(figures) == 2 and step_numbers[1]:
        _step_numbers(canvas, figures, step_numbers, has_mat)
    return _svg(canvas, title)


def _step_numbers(canvas: Canvas, figures: list, steps: tuple, has_mat: bool) -> None:
    """Under each figure, its step's number in a circle, sized to the picture's printed width."""
    width = canvas.high[0] - canvas.low[0] + 2 * MARGIN
    height = canvas.high[1] - canvas.low[1] + 2 * MARGIN
    radius = 8.0
    for _ in range(2):  # the numbers add height, which may widen a tall picture's frame
        frame_width = max(width, (height + 2.6 * radius) * MIN_ASPECT)
        radius = max(8.0, frame_width * NUMBER_SHARE / 2)
    top = -3 if has_mat else 0
    for figure, step in zip(figures, steps, strict=True):
        xs = _xs(figure)
        centre = ((min(xs) + max(xs)) / 2, top - 0.5 * radius - radius)
        canvas.circle(centre, radius, "#fff", COLOURS["number"], radius * 0.16)
        canvas.text(centre, radius * 1.4, str(step), COLOURS["number"])


def _stand_on_floor(figures: list, props: list) -> None:
    """Move each figure so its lowest point is on the floor (y = 0), the end right of the start,
    clear of everything drawn with the start (a chair, a held stick)."""
    for figure in figures:
        _move(figure, (0.0, -_lowest(figure)))
    if len(figures) == 2:
        extents = []
        for figure in figures:
            scratch = Canvas()
            _props_on_floor(scratch, figure, props)
            _figure(scratch, figure, props)
            extents.append((scratch.low[0], scratch.high[0]))
        _move(figures[1], (extents[0][1] - extents[1][0] + FIGURE_GAP, 0.0))


def _props_on_floor(canvas: Canvas, figure: Figure, props: list) -> None:
    if figure.base == "seated_chair":  # the base brings its chair
        seat = figure.point("pelvis", (-3, -WIDTH["trunk"] / 2 - 2))
        _chair(canvas, seat, "seat", "right")
    for prop in props:
        _floor_prop(canvas, figure, prop)


def _xs(figure: Figure) -> list[float]:
    """Where the figure reaches across, head included (a hanging head may pass the hands)."""
    return [p[0] for p in figure.points.values()] + [
        figure.head[0] - HEAD_RADIUS,
        figure.head[0] + HEAD_RADIUS,
    ]


def _lowest(figure: Figure) -> float:
    ends = [
        min(a[1], b[1]) - WIDTH[part] / 2
        for _, part, a, b in figure.segments
        if part != "neck" or figure.view == "side"
    ]
    ends.append(figure.head[1] - HEAD_RADIUS)
    if figure.view == "side":
        back = figure.back() if figure.spine else [(0.0, 0.0), figure.points["shoulders"]]
        ends.append(min(point[1] for point in back) - WIDTH["trunk"] / 2)
    else:
        ends += [
            figure.points[f"{s}.{p}"][1] - WIDTH["front_trunk"] / 2
            for s in SIDES
            for p in ("hip", "shoulder")
        ]
    return min(ends)


def _move(figure: Figure, shift) -> None:
    figure.points = {name: plus(point, shift) for name, point in figure.points.items()}
    figure.segments = [
        (layer, part, plus(a, shift), plus(b, shift)) for layer, part, a, b in figure.segments
    ]
    figure.head = plus(figure.head, shift)
    figure.nose = plus(figure.nose, shift) if figure.nose else None
    figure.spine = plus(figure.spine, shift) if figure.spine else None


def _floor(canvas: Canvas, figures: list, has_mat: bool) -> None:
    xs = [x for figure in figures for x in _xs(figure)]
    left, right = min(xs) - 14, max(xs) + 14
    if has_mat:
        canvas.box((left + 4, -3), (right - 4, 0), COLOURS["mat"])
    canvas.line((left, -3 if has_mat else 0), (right, -3 if has_mat else 0), 1.2, COLOURS["floor"])


def _floor_prop(canvas: Canvas, figure: Figure, prop: dict) -> None:
    kind = prop["kind"]
    grey, fill = COLOURS["prop"], COLOURS["prop_fill"]
    if kind not in ("chair", "foam_roller", "yoga_block", "wall"):
        return
    if kind == "chair" and figure.view == "front":
        return  # seen from the front, the chair stands before the body: drawn over it
    anchor = figure.point(prop["at"], prop.get("offset", (0, 0))) if "at" in prop else None
    if kind == "foam_roller":
        canvas.circle((anchor[0], 7.5), 7.5, fill, grey, 1.5)
        canvas.circle((anchor[0], 7.5), 2, grey)
    elif kind == "yoga_block":
        canvas.box((anchor[0] - 11, 0), (anchor[0] + 11, 14), fill, grey, 1.5)
    elif kind == "wall":
        top = max(p[1] for p in figure.points.values()) + 25
        canvas.box((anchor[0] - 2, 0), (anchor[0] + 2, top), fill, grey, 1.2, radius=0)
    elif kind == "chair":
        _chair(canvas, anchor, prop.get("by", "seat"), prop.get("facing", "right"))


def _chair(canvas: Canvas, anchor, by: str, facing: str) -> None:
    grey = COLOURS["prop"]
    forward = 1 if facing == "right" else -1
    if by == "seat":
        seat_y, back_x = anchor[1], anchor[0] - forward * 17
        back_top = seat_y + 40
    else:
        seat_y, back_x, back_top = SEAT_HEIGHT, anchor[0], anchor[1]
    front_x = back_x + forward * 36
    canvas.line((back_x, back_top), (back_x, 0), 3, grey)  # back post and rear leg
    canvas.line((back_x, seat_y), (front_x, seat_y), 4, grey)
    canvas.line((front_x, seat_y), (front_x, 0), 3, grey)


def _held_prop(canvas: Canvas, figure: Figure, prop: dict, layer: str) -> None:
    kind = prop["kind"]
    grey, fill = COLOURS["prop"], COLOURS["prop_fill"]
    if layer == "middle" and kind in ("ball", "pillow"):
        centre = figure.point(prop["at"], prop.get("offset", (0, 0)))
        if kind == "ball":
            canvas.circle(centre, 7, fill, grey, 1.5)
        else:
            low, high = plus(centre, (-11, -6)), plus(centre, (11, 6))
            canvas.box(low, high, fill, grey, 1.5, radius=5)
    elif layer == "middle" and kind == "broomstick":
        back = figure.trunk_angle + 90
        start = plus(along(figure.trunk_angle, -14), along(back, WIDTH["trunk"] / 2 + 2.5))
        end = plus(
            along(figure.trunk_angle, TRUNK + NECK + 2 * HEAD_RADIUS + 12),
            along(back, HEAD_RADIUS + 2),
        )
        pelvis = figure.points["pelvis"]
        canvas.line(plus(pelvis, start), plus(pelvis, end), 3, grey)
    elif layer == "top" and kind == "chair" and figure.view == "front":
        anchor = figure.point(prop["at"], prop.get("offset", (0, 0)))
        for x in (anchor[0] - 20, anchor[0] + 20):
            canvas.line((x, anchor[1]), (x, 0), 3, grey)
        canvas.line((anchor[0] - 20, anchor[1]), (anchor[0] + 20, anchor[1]), 4, grey)
        canvas.line((anchor[0] - 20, SEAT_HEIGHT), (anchor[0] + 20, SEAT_HEIGHT), 4, grey)
    elif layer == "top" and kind == "strap":
        hand, foot = figure.point(prop["from"]), figure.point(prop["to"])
        canvas.line(hand, foot, 2.5, grey)


def _figure(canvas: Canvas, figure: Figure, props: list) -> None:
    near, far = COLOURS["near"], COLOURS["far"]
    by_layer: dict[str, list] = {}
    for layer, part, a, b in figure.segments:
        by_layer.setdefault(layer, []).append((part, a, b))
    for layer in ("far_arm", "far_leg"):
        for part, a, b in by_layer[layer]:
            canvas.line(a, b, WIDTH[part], far)
    for prop in props:
        _held_prop(canvas, figure, prop, "middle")
    _trunk(canvas, figure, near, by_layer["body"])
    for layer in ("near_leg", "near_arm"):
        for part, a, b in by_layer[layer]:
            canvas.line(a, b, WIDTH[part] + HALO, "#fff")
        for part, a, b in by_layer[layer]:
            canvas.line(a, b, WIDTH[part], near)
    for prop in props:
        _held_prop(canvas, figure, prop, "top")


def _trunk(canvas: Canvas, figure: Figure, colour: str, neck: list) -> None:
    points = figure.points
    for part, a, b in neck:
        canvas.line(a, b, WIDTH[part], colour)
    if figure.view == "side" and figure.spine:
        canvas.path(figure.back(), WIDTH["trunk"], colour)
    elif figure.view == "side":
        canvas.line(points["pelvis"], points["shoulders"], WIDTH["trunk"], colour)
    else:
        corners = [
            points["near.hip"],
            points["near.shoulder"],
            points["far.shoulder"],
            points["far.hip"],
        ]
        canvas.path(corners, WIDTH["front_trunk"], colour, fill=colour)
    canvas.circle(figure.head, HEAD_RADIUS, colour)
    if figure.nose:
        canvas.circle(figure.nose, 2.8, colour)


def _arrow(canvas: Canvas, figure: Figure, arrow: dict) -> None:
    start = figure.point(arrow["at"], arrow.get("offset", (0, 0)))
    direction, length = arrow["direction"], arrow.get("length", 18)
    tip = plus(start, along(direction, length))
    bow = along(direction + 90, length * arrow.get("curve", 0) / 180)
    control = plus(midpoint(start, tip), bow)
    heading = angle_to(control, tip) if arrow.get("curve") else direction
    neck = plus(tip, along(heading, -6))
    head = [tip, plus(neck, along(heading + 90, 3.8)), plus(neck, along(heading - 90, 3.8))]
    for colour, width in (("#fff", 5.5), (COLOURS["arrow"], 2)):
        canvas.cover(control, width)
        canvas.cover(start, width), canvas.cover(neck, width)
        canvas.elements.append(
            f'<path d="M{canvas.xy(start)}Q{canvas.xy(control)} {canvas.xy(neck)}" '
            f'stroke="{colour}" stroke-width="{number(width)}" fill="none"/>'
        )
    canvas.path(head, 1.5, COLOURS["arrow"], fill=COLOURS["arrow"])


def _svg(canvas: Canvas, title: str) -> str:
    (left, bottom), (right, top) = canvas.low, canvas.high
    width, height = right - left + 2 * MARGIN, top - bottom + 2 * MARGIN
    x, y = left - MARGIN, -top - MARGIN
    if width / height < MIN_ASPECT:
        x -= (height * MIN_ASPECT - width) / 2
        width = height * MIN_ASPECT
    elif width / height > MAX_ASPECT:
        y -= (width / MAX_ASPECT - height) / 2
        height = width / MAX_ASPECT
    box = " ".join(number(v) for v in (x, y, width, height))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" '
        f'width="{number(width * 2)}" height="{number(height * 2)}" role="img">'
        f"<title>{escape(title)}</title>"
        '<g stroke-linecap="round" stroke-linejoin="round" fill="none">'
        + "".join(canvas.elements)
        + "</g></svg>\n"
    )
