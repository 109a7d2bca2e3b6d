"""Pose data: how an exercise's figure is described, and the checks that data must pass.

A pose is plain data (a dict, written as a TOML table in the library file): a
``base`` saying how the body is supported, joint angles for the ``near`` and
``far`` side, the props in the picture and arrows for the movement, and an
optional ``end`` pose with only the angles that change, numbered with the ``step``
that reaches each position. ``check_pose`` refuses data that cannot be drawn with a
``PoseError`` naming the exercise and the field; ``exercises.figures`` draws it.

Angles are in degrees. In the side view (every base but ``side_lying``) they are
the joint angles a clinician would name: ``hip`` and ``shoulder`` flexion (0 is
in line with the trunk, 90 a right angle forward, negative behind), ``knee`` and
``elbow`` bend (0 is straight), ``ankle`` (0 is a right angle to the shin, toes
up is positive), and the trunk's ``lean`` toward the front of the body. ``round``
bows the back in the side view: positive rounds it out like a cat's, negative hollows
it (the angle the spine leaves the pelvis at, measured from the straight trunk). In the
front view (``side_lying``, seen from the front, top leg nearest) ``hip`` lifts
the limb away from the body's midline and a negative ``knee`` folds the shin up.
A limb may also be placed by what it reaches: ``hand_to = "near.knee"`` bends
the arm so the hand is on the near knee, ``ankle_to`` does the same for a leg.
"""

import math
from dataclasses import dataclass, field

NO_VALUE = object()


class PoseError(ValueError):
    """Pose data that cannot be drawn; the message names the exercise and the field.

    For example "supine-groin-stretch: pose.near.knee = 400 is out of range (0 to
    160 degrees)". ``field``, ``value`` and ``problem`` are kept for callers that
    phrase it their own way.
    """

    def __init__(self, where: str, field_name: str, problem: str, value=NO_VALUE):
        self.where, self.field, self.problem, self.value = where, field_name, problem, value
        equals = "" if value is NO_VALUE else "= "
        super().__init__(f"{where}: {field_name} {equals}{self.detail}")

    @property
    def detail(self) -> str:
        """The value and its problem, e.g. "400 is out of range (0 to 160 degrees)"."""
        return self.problem if self.value is NO_VALUE else f"{self.value!r} {self.problem}"


# ---------------------------------------------------------------------------
# The data format and its checks.


@dataclass(frozen=True)
class Base:
    """How the body is supported: the view, the trunk's direction and default joint angles."""

    trunk: float  # absolute direction of the trunk, pelvis to shoulders (0 = right, 90 = up)
    view: str = "side"
    lean: float = 0
    near: dict = field(default_factory=dict)
    far: dict = field(default_factory=dict)


LEGS_STRAIGHT = {"hip": 0, "knee": 0, "ankle": 0, "shoulder": 0, "elbow": 10}
BASES = {
    "standing": Base(90, near=LEGS_STRAIGHT, far=LEGS_STRAIGHT),
    # Seen from the front, for sideways movements; the near leg is the one in front.
    "standing_front": Base(
        90,
        view="front",
        near={"hip": 8, "knee": 0, "ankle": 0, "shoulder": 10, "elbow": 0},
        far={"hip": 8, "knee": 0, "ankle": 0, "shoulder": 10, "elbow": 0},
    ),
    "squat": Base(
        90,
        lean=35,
        near={"hip": 115, "knee": 130, "ankle": 30, "shoulder": 40, "elbow": 60},
        far={"hip": 115, "knee": 130, "ankle": 30, "shoulder": 40, "elbow": 60},
    ),
    "supine": Base(180, near=LEGS_STRAIGHT, far=LEGS_STRAIGHT),
    "prone": Base(0, near=LEGS_STRAIGHT, far=LEGS_STRAIGHT),
    "side_lying": Base(
        180,
        view="front",
        near={"hip": 0, "knee": 0, "ankle": 0, "shoulder": 20, "elbow": 0},
        far={"hip": 0, "knee": 0, "ankle": 0, "shoulder": 170, "elbow": 0},
    ),
    "seated_floor": Base(
        90,
        near={"hip": 90, "knee": 0, "ankle": 0, "shoulder": -20, "elbow": 0},
        far={"hip": 90, "knee": 0, "ankle": 0, "shoulder": -20, "elbow": 0},
    ),
    "seated_chair": Base(
        90,
        near={"hip": 90, "knee": 90, "ankle": 0, "shoulder": 30, "elbow": 60},
        far={"hip": 90, "knee": 90, "ankle": 0, "shoulder": 30, "elbow": 60},
    ),
    "kneeling": Base(
        90,
        near={"hip": 0, "knee": 90, "ankle": -50, "shoulder": 0, "elbow": 10},
        far={"hip": 0, "knee": 90, "ankle": -50, "shoulder": 0, "elbow": 10},
    ),
    "half_kneeling": Base(
        90,
        near={"hip": 90, "knee": 90, "ankle": 0, "shoulder": 40, "elbow": 40},
        far={"hip": 0, "knee": 90, "ankle": -50, "shoulder": 40, "elbow": 40},
    ),
    "all_fours": Base(
        0,
        lean=-12,
        near={"hip": 78, "knee": 90, "ankle": -50, "shoulder": 78, "elbow": 0},
        far={"hip": 78, "knee": 90, "ankle": -50, "shoulder": 78, "elbow": 0},
    ),
}

SIDE_RANGES = {
    "hip": (-60, 160),
    "knee": (0, 160),
    "ankle": (-60, 40),
    "turn_out": (0, 80),
    "shoulder": (-90, 200),
    "elbow": (0, 160),
}
FRONT_RANGES = {**SIDE_RANGES, "knee": (-160, 160), "elbow": (-160, 160)}
TRUNK_RANGES = {"lean": (-100, 120), "twist": (-90, 90), "neck": (-40, 60), "round": (-40, 40)}
ARROW_RANGES = {"direction": (-360, 360), "length": (5, 80), "curve": (-120, 120)}
REACH_KEYS = {"hand_to": ("shoulder", "elbow"), "ankle_to": ("hip", "knee")}
SIDE_KEYS = {*SIDE_RANGES, *REACH_KEYS, "hand_offset", "ankle_offset"}
SIDES = ("near", "far")
LIMB_POINTS = (
    "hip",
    "thigh",
    "knee",
    "shin",
    "ankle",
    "heel",
    "toe",
    "shoulder",
    "elbow",
    "forearm",
    "wrist",
    "hand",
)
BODY_POINTS = ("pelvis", "waist", "chest", "shoulders", "head")
LANDMARKS = {*BODY_POINTS, *(f"{side}.{point}" for side in SIDES for point in LIMB_POINTS)}
ARM_POINTS = {"shoulder", "elbow", "forearm", "wrist", "hand"}

# Props and the keys each takes; every prop also takes "kind".
PROPS = {
    "mat": set(),
    "ball": {"at", "offset"},
    "pillow": {"at", "offset"},
    "chair": {"at", "offset", "by", "facing"},
    "foam_roller": {"at", "offset"},
    "yoga_block": {"at", "offset"},
    "broomstick": set(),
    "strap": {"from", "to"},
    "wall": {"at", "offset"},
}
PROP_NEEDS = {"ball": "at", "pillow": "at", "chair": "at", "foam_roller": "at", "yoga_block": "at"}
POSE_KEYS = {
    "base",
    "lean",
    "twist",
    "neck",
    "round",
    "near",
    "far",
    "props",
    "arrows",
    "end",
    "step",
}
# ``layout`` and ``anchor`` placed the start faded under the end; start and end are now always
# drawn side by side. Poses saved before that still carry them, so they are read and ignored.
RETIRED_END_KEYS = {"layout", "anchor"}
END_KEYS = {"base", "lean", "twist", "neck", "round", "near", "far", "step", *RETIRED_END_KEYS}
ARROW_KEYS = {"at", "offset", "direction", "length", "curve", "pose"}


def check_pose(pose, where: str = "pose", steps: int | None = None) -> None:
    """Raise PoseError, naming ``where`` and the field, unless ``pose`` can be drawn.

    ``steps`` is the exercise's number of steps, where the pose is written beside them (the
    library, the admin): then an end pose must say which step reaches it, and each ``step``
    must be one of the exercise's. Without it (drawing a stored pose) a step is only checked
    to be a whole number, so a pose saved before steps were numbered still draws.
    """
    checker = _Checker(where)
    checker.table(pose, "pose", POSE_KEYS)
    checker.step(pose, "pose", steps)
    checker.choice(pose, "base", "pose", BASES, required=True)
    view = BASES[pose["base"]].view
    checker.body(pose, "pose", view)
    for number, prop in enumerate(checker.list_of(pose, "props", "pose"), start=1):
        checker.prop(prop, f"pose.props[{number}]")
    for number, arrow in enumerate(checker.list_of(pose, "arrows", "pose"), start=1):
        checker.arrow(arrow, f"pose.arrows[{number}]", has_end="end" in pose)
    if "end" in pose:
        end = pose["end"]
        checker.table(end, "pose.end", END_KEYS)
        checker.choice(end, "base", "pose.end", BASES)
        checker.step(end, "pose.end", steps, required=steps is not None)
        if end.get("step", math.inf) <= pose.get("step", 1):
            checker.fail(
                "pose.end.step",
                f"must come after the start's step ({pose.get('step', 1)}): the pictures "
                "read left to right in the order of the steps",
                end["step"],
            )
        end_view = BASES[end.get("base", pose["base"])].view
        checker.body(end, "pose.end", end_view)
        merged = end_pose(pose)
        checker.reaches(merged, "pose.end")


class _Checker:
    def __init__(self, where: str):
        self.where = where

    def fail(self, name: str, problem: str, value=NO_VALUE):
        raise PoseError(self.where, name, problem, value)

    def table(self, value, name: str, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            self.fail(name, f"must be a table of keys, not {type(value).__name__}")
        for key in sorted(value):
            if key not in allowed:
                self.fail(
                    f"{name}.{key}", f"is not a known key (known: {', '.join(sorted(allowed))})"
                )

    def choice(self, table: dict, key: str, name: str, choices, required=False) -> None:
        if key not in table:
            if required:
                self.fail(f"{name}.{key}", f"is missing (one of {', '.join(choices)})")
            return
        value = table[key]
        if value not in choices:
            self.fail(f"{name}.{key}", f"is not one of {', '.join(choices)}", value)

    def number(self, table: dict, key: str, name: str, low: float, high: float) -> None:
        if key not in table:
            return
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{name}.{key}", "must be a number of degrees", value)
        if not low <= value <= high:
            self.fail(f"{name}.{key}", f"is out of range ({low} to {high} degrees)", value)

    def step(self, table: dict, key_owner: str, steps: int | None, required=False) -> None:
        """``step``: the number of the step that reaches this position, one of the exercise's."""
        name = f"{key_owner}.step"
        if "step" not in table:
            if required:
                self.fail(name, "is missing: say which step reaches the end position")
            return
        value = table["step"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(name, "must be a step number (1 for the first step)", value)
        if steps is not None and value > steps:
            self.fail(name, f"is beyond the exercise's steps (it has {steps})", value)

    def offset(self, table: dict, key: str, name: str) -> None:
        if key not in table:
            return
        value = table[key]
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
        ):
            self.fail(f"{name}.{key}", "must be two numbers, [across, up]", value)
        if any(abs(v) > 200 for v in value):
            self.fail(f"{name}.{key}", "is out of range (-200 to 200 each)", value)

    def landmark(self, table: dict, key: str, name: str, required=False) -> None:
        if key not in table:
            if required:
                self.fail(f"{name}.{key}", "is missing: say which part of the body it is at")
            return
        if table[key] not in LANDMARKS:
            self.fail(
                f"{name}.{key}",
                "is not a part of the body (for example pelvis, head, near.knee, far.hand)",
                table[key],
            )

    def list_of(self, table: dict, key: str, name: str) -> list:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{name}.{key}", "must be a list of tables")
        return value

    def body(self, pose: dict, name: str, view: str) -> None:
        for key, (low, high) in TRUNK_RANGES.items():
            self.number(pose, key, name, low, high)
        ranges = FRONT_RANGES if view == "front" else SIDE_RANGES
        for side in SIDES:
            if side not in pose:
                continue
            where = f"{name}.{side}"
            limbs = pose[side]
            self.table(limbs, where, SIDE_KEYS)
            for key, (low, high) in ranges.items():
                self.number(limbs, key, where, low, high)
            for reach, angles in REACH_KEYS.items():
                self.landmark(limbs, reach, where)
                self.offset(limbs, reach.replace("_to", "_offset"), where)
                both = [key for key in angles if key in limbs]
                if reach in limbs and both:
                    self.fail(f"{where}.{reach}", f"cannot be given with {both[0]}: choose one")

    def reaches(self, pose: dict, name: str) -> None:
        """A leg reaches only the trunk or a leg placed by angles; an arm, anything but itself."""
        for side in SIDES:
            limbs = pose.get(side, {})
            leg_target = limbs.get("ankle_to")
            if leg_target:
                target_side, _, point = leg_target.partition(".")
                if point in ARM_POINTS or target_side == side:
                    self.fail(f"{name}.{side}.ankle_to", "must be the trunk or the other leg")
                if point and "ankle_to" in pose.get(target_side, {}):
                    self.fail(f"{name}.{side}.ankle_to", "cannot reach a leg that reaches too")
            hand_target = limbs.get("hand_to")
            if hand_target:
                target_side, _, point = hand_target.partition(".")
                if point in ARM_POINTS and (
                    target_side == side or "hand_to" in pose.get(target_side, {})
                ):
                    self.fail(f"{name}.{side}.hand_to", "cannot reach its own or a reaching arm")

    def prop(self, prop, name: str) -> None:
        if not isinstance(prop, dict):
            self.fail(name, "must be a table with a kind")
        self.choice(prop, "kind", name, PROPS, required=True)
        self.table(prop, name, PROPS[prop["kind"]] | {"kind"})
        for key in ("at", "from", "to"):
            self.landmark(prop, key, name, required=PROP_NEEDS.get(prop["kind"]) == key)
        if prop["kind"] == "strap" and not {"from", "to"} <= set(prop):
            self.fail(f"{name}.from", "and to are both needed for a strap")
        self.offset(prop, "offset", name)
        self.choice(prop, "by", name, ("seat", "back"))
        self.choice(prop, "facing", name, ("left", "right"))

    def arrow(self, arrow, name: str, has_end: bool) -> None:
        self.table(arrow, name, ARROW_KEYS)
        self.landmark(arrow, "at", name, required=True)
        self.offset(arrow, "offset", name)
        for key, (low, high) in ARROW_RANGES.items():
            self.number(arrow, key, name, low, high)
        if "direction" not in arrow:
            self.fail(f"{name}.direction", "is missing (degrees: 0 right, 90 up)")
        self.choice(arrow, "pose", name, ("start", "end") if has_end else ("start",))


def end_pose(pose: dict) -> dict:
    """The pose at the end of the movement: the start with the end's changes laid over it."""
    end = pose["end"]
    merged = {key: value for key, value in pose.items() if key != "end"}
    for key in ("base", "lean", "twist", "neck", "round"):
        if key in end:
            merged[key] = end[key]
    for side in SIDES:
        limbs = dict(pose.get(side, {}))
        changes = end.get(side, {})
        for reach, angles in REACH_KEYS.items():
            # A limb placed by angles in the end forgets where it reached, and the other way.
            if reach in changes:
                for key in angles:
                    limbs.pop(key, None)
            if any(key in changes for key in angles):
                limbs.pop(reach, None)
                limbs.pop(reach.replace("_to", "_offset"), None)
        limbs.update(changes)
        merged[side] = limbs
    return merged
