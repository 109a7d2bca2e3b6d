"""Checking an uploaded exercise picture before it is stored.

A picture is shown in the app, on the patient's phone and in the printed handout,
so it must really be the image it claims to be: a PNG or JPEG that Pillow can
read, or an SVG that is a plain drawing. An SVG can carry scripts, event handlers
and links to other files or sites; any of those refuses the upload, as does a
DOCTYPE (entity tricks). Checked by content, never by the file name alone.
"""

import io
import re
import xml.etree.ElementTree as ElementTree

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
RASTER_FORMATS = {"PNG": ".png", "JPEG": (".jpg", ".jpeg")}
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
FORBIDDEN_SVG_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}
WRONG_KIND = "The picture must be a PNG, JPEG or SVG file."


def validate_illustration(upload) -> None:
    """Raise ValidationError, in plain words, unless ``upload`` is a safe PNG, JPEG or SVG."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"The picture is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB. "
            "Save it smaller and try again."
        )
    name = upload.name.lower()
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if name.endswith(".svg"):
        check_svg(data)
    elif name.endswith((".png", ".jpg", ".jpeg")):
        check_raster(data, name)
    else:
        raise ValidationError(WRONG_KIND)


def check_raster(data: bytes, name: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError("The file is not a picture Pillow can read. " + WRONG_KIND) from error
    if kind not in RASTER_FORMATS or not name.endswith(RASTER_FORMATS[kind]):
        raise ValidationError(
            "The file's contents do not match its name (a .png must hold a PNG, a .jpg a JPEG)."
        )


def check_svg(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise ValidationError("The SVG has a DOCTYPE or entities; save it as a plain SVG.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ValidationError("The SVG file is not well-formed XML. " + WRONG_KIND) from error
    if local_name(root.tag) != "svg":
        raise ValidationError("The file is not an SVG drawing (its root is not <svg>).")
    for element in root.iter():
        tag = local_name(element.tag)
        if tag in FORBIDDEN_SVG_ELEMENTS:
            raise ValidationError(f"The SVG contains <{tag}>, which is not allowed in a picture.")
        for attribute, value in element.attrib.items():
            attribute_name = local_name(attribute).lower()
            if attribute_name.startswith("on"):
                raise ValidationError(
                    f"The SVG has an event handler ({attribute_name}); pictures cannot run code."
                )
            if attribute_name == "href" and not (
                value.startswith("#") or value.startswith("data:image/")
            ):
                raise ValidationError(
                    "The SVG links to another file or site; pictures must be self-contained."
                )
            if "url(" in value and re.search(r"url\(\s*['\"]?(?!#)", value):
                raise ValidationError(
                    "The SVG refers to another file or site; pictures must be self-contained."
                )
        if (
            tag == "style"
            and element.text
            and re.search(r"@import|url\(\s*['\"]?(?!#)", element.text)
        ):
            raise ValidationError(
                "The SVG's style refers to another file or site; pictures must be self-contained."
            )


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
