"""Uploaded pictures (exercise pictures and clinic logos): one rule, on the model.

Real PNG, JPEG and plain SVG pass; anything risky, too big or too many pixels is
refused in plain words, and nothing refused reaches storage.
"""

import functools
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hipclinic.pictures import check_picture
from tests.factories import ClinicFactory, ExerciseFactory

PLAIN_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Bridge</title>'
    b'<circle cx="5" cy="5" r="4" fill="#1a4f8b"/></svg>\n'
)


def picture(kind: str, size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, kind)
    return buffer.getvalue()


@functools.cache
def huge_png(width: int, height: int) -> bytes:
    """A real PNG of ``width`` × ``height`` one-bit pixels: a few KB that unpack to megapixels."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("bridge.png", picture("PNG"), "PNG"),
        ("Bridge.JPG", picture("JPEG"), "JPEG"),
        ("bridge.jpeg", picture("JPEG"), "JPEG"),
        ("bridge.svg", PLAIN_SVG, "SVG"),
        ("declared.svg", b'<?xml version="1.0" encoding="UTF-8"?>\n' + PLAIN_SVG, "SVG"),
        ("wide.png", huge_png(16_000, 1000), "PNG"),  # exactly 16 megapixels
    ],
)
def test_real_pictures_pass_and_say_what_they_are(name, content, kind):
    assert check_picture(upload(name, content)).kind == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"this is a text file", "not a picture Pillow can read"),
        ("photo.png", picture("JPEG"), "do not match its name"),
        ("drawing.png", PLAIN_SVG, "not a picture Pillow can read"),
        ("bridge.gif", picture("GIF"), "must be a PNG, JPEG or SVG"),
        ("logo.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "PNG, JPEG or SVG"),
        ("script.exe", b"MZ", "must be a PNG, JPEG or SVG"),
        ("notes.svg", b"just some text", "not well-formed XML"),
        ("page.svg", b"<html><body/></html>", "not an SVG drawing"),
    ],
)
def test_wrong_files_are_refused_in_plain_words(name, content, message):
    with pytest.raises(ValidationError) as refused:
        check_picture(upload(name, content))

    assert message in refused.value.messages[0]


def test_a_picture_over_2_mb_is_refused_without_reading_it_all():
    big = upload("big.png", picture("PNG") + b"\0" * (50 * 1024 * 1024))

    with pytest.raises(ValidationError) as refused:
        check_picture(big)

    assert "The picture is 50.0 MB; the limit is 2 MB." in refused.value.messages[0]


def test_a_small_png_of_10000_by_10000_pixels_is_refused_from_its_header():
    bomb = huge_png(10_000, 10_000)
    assert len(bomb) < 30 * 1024  # the probe's 25 KB file

    with pytest.raises(ValidationError) as refused:
        check_picture(upload("logo.png", bomb))

    assert (
        "10000 × 10000 pixels (100.0 megapixels); the limit is 16 megapixels"
        in (refused.value.messages[0])
    )


def test_a_decompression_bomb_pillow_itself_refuses_gets_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        check_picture(upload("logo.png", huge_png(20_000, 10_000)))  # past Pillow's own limit

    assert "(a decompression bomb); it is refused" in refused.value.messages[0]


@pytest.mark.django_db
def test_an_svg_is_stored_as_redrawn_not_as_uploaded():
    exercise = ExerciseFactory()
    uploaded = (
        b'<?xml version="1.0"?><!-- made by an editor -->\n<svg xmlns="http://www.w3.org/2000/svg"'
        b' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3">'
        b'<metadata>editor notes</metadata><circle r="4" fill="red"/></svg>'
    )

    exercise.illustration.save("drawing.svg", ContentFile(uploaded))

    with exercise.illustration.open("rb") as stored:
        assert stored.read() == (
            b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" fill="red"/></svg>\n'
        )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", huge_png(10_000, 10_000)),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n"),
    ],
)
@pytest.mark.django_db
def test_code_that_saves_a_picture_directly_is_held_to_the_same_rule(settings, name, content):
    clinic = ClinicFactory()

    with pytest.raises(ValidationError):
        clinic.logo.save(name, ContentFile(content))

    clinic.refresh_from_db()
    assert clinic.logo.name == ""
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_the_model_refuses_a_bad_new_picture_in_full_clean(settings):
    clinic = ClinicFactory()
    clinic.logo = upload("logo.png", huge_png(10_000, 10_000))

    with pytest.raises(ValidationError) as refused:
        clinic.full_clean()

    assert "the limit is 16 megapixels" in refused.value.message_dict["logo"][0]
    assert stored_files(settings) == []
