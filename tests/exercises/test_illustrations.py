"""Uploaded exercise pictures: real PNG, JPEG and plain SVG pass; anything risky is refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from exercises.illustrations import MAX_BYTES, validate_illustration

PLAIN_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Bridge</title>'
    b'<circle cx="5" cy="5" r="4" fill="#1a4f8b"/></svg>'
)


def picture(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, kind)
    return buffer.getvalue()


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("bridge.png", picture("PNG"), "PNG"),
        ("Bridge.JPG", picture("JPEG"), "JPEG"),
        ("bridge.jpeg", picture("JPEG"), "JPEG"),
        ("bridge.svg", PLAIN_SVG, "SVG"),
        ("declared.svg", b'<?xml version="1.0" encoding="UTF-8"?>\n' + PLAIN_SVG, "SVG"),
        (
            "fragment.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<defs><path id="p" d="M0 0h5"/></defs><use xlink:href="#p"/>'
            b'<rect fill="url(#p)"/><image href="data:image/png;base64,iVBORw0KGgo="/></svg>',
            "SVG",
        ),
    ],
)
def test_real_pictures_pass_and_say_what_they_are(name, content, kind):
    assert validate_illustration(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "contains <script>",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "event handler (onload)",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="http://127.0.0.1:9/x.png"/></svg>',
            "links to another file or site",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            "links to another file or site",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/y)"/></svg>',
            "refers to another file or site",
        ),
        (
            "evil.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE or entities",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://x/y.css";</style></svg>',
            "style refers to another file or site",
        ),
        (
            "evil.svg",
            b'<?xml-stylesheet href="http://x/y.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "loads a stylesheet from another file",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
            "contains <foreignObject>",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><a href="#ok"><set attributeName="href" '
            b'to="javascript:alert(1)"/></a></svg>',
            "animates a link or an event handler",
        ),
        (
            "evil.svg",
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x "y">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'.encode("utf-16"),
            "DOCTYPE or entities",
        ),
        ("notes.svg", b"just some text", "not well-formed XML"),
        ("empty.svg", b"", "not well-formed XML"),
        ("page.svg", b"<html><body/></html>", "not an SVG drawing"),
        ("notes.png", b"this is a text file", "not a picture Pillow can read"),
        ("photo.png", picture("JPEG"), "do not match its name"),
        ("drawing.png", PLAIN_SVG, "not a picture Pillow can read"),
        ("bridge.gif", picture("GIF"), "must be a PNG, JPEG or SVG"),
        ("script.exe", b"MZ", "must be a PNG, JPEG or SVG"),
    ],
)
def test_risky_or_wrong_files_are_refused_in_plain_words(name, content, message):
    with pytest.raises(ValidationError) as refused:
        validate_illustration(upload(name, content))

    assert message in refused.value.messages[0]


def test_a_picture_over_2_mb_is_refused():
    big = upload("big.png", picture("PNG") + b"\0" * MAX_BYTES)

    with pytest.raises(ValidationError) as refused:
        validate_illustration(big)

    assert "the limit is 2 MB" in refused.value.messages[0]


def test_a_picture_too_many_pixels_across_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (6000, 10)).save(buffer, "PNG")  # a few hundred bytes, 6000 pixels wide

    with pytest.raises(ValidationError) as refused:
        validate_illustration(upload("wide.png", buffer.getvalue()))

    assert "6000 × 10 pixels" in refused.value.messages[0]
