"""Drawings printed in black and white on an office printer: the near and far limbs stay
apart in grey, and every line stands out from the paper."""

import re

import pytest

from exercises import figures
from exercises.library import read_library

SHIPPED = read_library()["exercises"]
PAPER = "#fff"


def rgb(colour: str) -> tuple[int, int, int]:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    return tuple(int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))


def grey(colour: str) -> float:
    """The grey a colour prints as, 0 black to 1 white: Rec. 601 luma, the weighting printer
    drivers and Pillow's convert("L") use."""
    red, green, blue = rgb(colour)
    return (0.299 * red + 0.587 * green + 0.114 * blue) / 255


def contrast_with_white(colour: str) -> float:
    """WCAG 2 contrast ratio against white paper (1 to 21)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def colours_used(attribute: str) -> set[str]:
    """Every colour given as ``attribute`` in any shipped drawing, paper white left out."""
    found = set()
    for entry in SHIPPED:
        svg = figures.draw(entry["pose"], entry["name"], entry["slug"])
        found |= set(re.findall(rf'{attribute}="(#[0-9a-fA-F]+)"', svg))
    return found - {PAPER}


def test_near_and_far_limbs_print_a_quarter_of_the_grey_scale_apart():
    near, far = figures.COLOURS["near"], figures.COLOURS["far"]

    assert grey(far) - grey(near) >= 0.25


@pytest.mark.parametrize("colour", sorted(colours_used("stroke")))
def test_every_line_stands_out_from_white_paper(colour):
    # 3:1 is WCAG's floor for the parts of a picture needed to understand it (SC 1.4.11).
    assert contrast_with_white(colour) >= 3


def test_every_fill_prints_as_a_visible_grey():
    """A fill that is not also a line colour (the mat, a prop's body) is a light tint: it must
    still print, and its outline must be darker than it by a quarter of the grey scale."""
    lines = colours_used("stroke")
    tints = colours_used("fill") - lines

    assert tints  # the mat and the props' bodies
    for tint in tints:
        assert grey(tint) <= 0.92, tint
    outline, body = figures.COLOURS["prop"], figures.COLOURS["prop_fill"]
    assert grey(body) - grey(outline) >= 0.25


def test_the_palette_is_every_colour_the_drawings_use():
    """So the checks above, made on the palette, hold for every drawing."""
    palette = set(figures.COLOURS.values())

    assert colours_used("stroke") | colours_used("fill") <= palette
