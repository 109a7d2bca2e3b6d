"""Exercise pictures: checking an upload before it is stored, and storing drawn figures.

A picture is shown in the app, on the patient's phone and in the printed handout,
so it must really be the image it claims to be: a PNG or JPEG that Pillow can
read, or an SVG that is a plain drawing. An SVG can carry scripts, event handlers
and links to other files or sites; any of those refuses the upload, as does a
DOCTYPE (entity tricks) or a stylesheet instruction. Checked by content, never by
the file name alone: the name only says which check to run, and the content must
then pass it.

An exercise with pose data and no uploaded picture gets a drawing made from the
pose (exercises/figures.py), stored under ``exercise-illustrations/drawn/``.
Uploads never land there (an upload's name loses its folders), so the folder
tells a drawing from a clinic's own picture, and a picture always wins.
"""

import io
import re
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from exercises import figures

MAX_BYTES = 2 * 1024 * 1024
# A handout picture never needs more; bigger ones are usually a camera photo, or a
# small file that unpacks into gigabytes of pixels.
MAX_SIDE_PIXELS = 5000
RASTER_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg")}
FORBIDDEN_SVG_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}
# url(...) pointing anywhere but a #fragment in the same file.
OUTSIDE_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)
WRONG_KIND = "The picture must be a PNG, JPEG or SVG file."
SELF_CONTAINED = "pictures must be self-contained."


def validate_illustration(upload) -> str:
    """The picture's kind ("PNG", "JPEG" or "SVG"); ValidationError, in plain words, if it is not safe."""
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
        return "SVG"
    if name.endswith((".png", ".jpg", ".jpeg")):
        return check_raster(data, name)
    raise ValidationError(WRONG_KIND)


def check_raster(data: bytes, name: str) -> str:
    """The format of a PNG or JPEG that Pillow can read and that matches its file name."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise ValidationError("The file is not a picture Pillow can read. " + WRONG_KIND) from error
    if max(width, height) > MAX_SIDE_PIXELS:
        raise ValidationError(
            f"The picture is {width} × {height} pixels; at most {MAX_SIDE_PIXELS} "
            "on a side, please. Save it smaller and try again."
        )
    if kind not in RASTER_FORMATS or not name.endswith(RASTER_FORMATS[kind]):
        raise ValidationError(
            "The file's contents do not match its name (a .png must hold a PNG, a .jpg a JPEG)."
        )
    return kind


def check_svg(data: bytes) -> None:
    """Parse the SVG with expat, refusing anything that could run code or fetch another file.

    Expat stops at the first DOCTYPE, entity or processing instruction, so nothing
    is ever expanded or fetched while checking.
    """
    checker = SvgChecker()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True  # a <style> element's text arrives in one piece
    parser.StartDoctypeDeclHandler = checker.refuse_doctype
    parser.EntityDeclHandler = checker.refuse_doctype
    parser.ProcessingInstructionHandler = checker.refuse_instruction
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ValidationError("The SVG file is not well-formed XML. " + WRONG_KIND) from error
    if checker.root is None:
        raise ValidationError("The file is not an SVG drawing (its root is not <svg>).")


class SvgChecker:
    """Expat handlers that raise ValidationError at the first unsafe thing in an SVG."""

    def __init__(self):
        self.root = None
        self.open_tags = []

    def refuse_doctype(self, *args):
        raise ValidationError("The SVG has a DOCTYPE or entities; save it as a plain SVG.")

    def refuse_instruction(self, target, data):
        if target.lower() == "xml-stylesheet":
            raise ValidationError(f"The SVG loads a stylesheet from another file; {SELF_CONTAINED}")

    def start(self, tag, attributes):
        tag = local_name(tag)
        if self.root is None:
            if tag != "svg":
                raise ValidationError("The file is not an SVG drawing (its root is not <svg>).")
            self.root = tag
        if tag in FORBIDDEN_SVG_ELEMENTS:
            raise ValidationError(f"The SVG contains <{tag}>, which is not allowed in a picture.")
        for attribute, value in attributes.items():
            check_attribute(local_name(attribute).lower(), value)
        self.open_tags.append(tag)

    def end(self, tag):
        self.open_tags.pop()

    def text(self, data):
        in_style = bool(self.open_tags) and self.open_tags[-1] == "style"
        if in_style and ("@import" in data.lower() or OUTSIDE_URL.search(data)):
            raise ValidationError(
                f"The SVG's style refers to another file or site; {SELF_CONTAINED}"
            )


def check_attribute(name: str, value: str) -> None:
    if name.startswith("on"):
        raise ValidationError(f"The SVG has an event handler ({name}); pictures cannot run code.")
    if name == "href" and not value.startswith(("#", "data:image/")):
        raise ValidationError(f"The SVG links to another file or site; {SELF_CONTAINED}")
    if name == "attributename" and (
        value.lower().endswith("href") or value.lower().startswith("on")
    ):
        # <animate>/<set> can rewrite a link or a handler after the file is checked.
        raise ValidationError(f"The SVG animates a link or an event handler; {SELF_CONTAINED}")
    if OUTSIDE_URL.search(value):
        raise ValidationError(f"The SVG refers to another file or site; {SELF_CONTAINED}")


def local_name(name: str) -> str:
    """``svg`` from expat's ``http://www.w3.org/2000/svg svg`` (or a bare ``svg``)."""
    return name.rsplit(" ", 1)[-1]


# ---------------------------------------------------------------------------
# Drawn figures.

DRAWN_FOLDER = "exercise-illustrations/drawn/"


def is_drawn(name: str) -> bool:
    """True for a stored file name that is a drawing made from a pose, not an upload."""
    return name.startswith(DRAWN_FOLDER)


def drawn_name(exercise) -> str:
    # Library slugs are unique; a clinic's exercise is named by its id, which never changes.
    if exercise.clinic_id is None:
        return f"{DRAWN_FOLDER}{exercise.slug}.svg"
    return f"{DRAWN_FOLDER}clinic-{exercise.clinic_id}-{exercise.pk}.svg"


def update_drawing(exercise) -> bool:
    """Bring ``exercise``'s drawn illustration in line with its pose; True if anything was written.

    An uploaded picture is left alone. The file is rewritten only when its bytes
    would differ or it is missing, so drawing an unchanged pose writes nothing.
    Saves the exercise's ``illustration`` field when the name changes; the
    exercise must already be saved.
    """
    current = exercise.illustration.name or ""
    if current and not is_drawn(current):
        if exercise.pk and default_storage.exists(drawn_name(exercise)):
            default_storage.delete(drawn_name(exercise))  # replaced by an upload
        return False
    if not exercise.pose:
        if not current:
            return False
        default_storage.delete(current)
        exercise.illustration.name = ""
        exercise.save(update_fields=["illustration", "updated_at"])
        return True
    name = drawn_name(exercise)
    svg = figures.draw(exercise.pose, exercise.name, exercise.slug).encode()
    written = store_if_different(name, svg)
    if current != name:
        if current:
            default_storage.delete(current)
        exercise.illustration.name = name
        exercise.save(update_fields=["illustration", "updated_at"])
        return True
    return written


def store_if_different(name: str, content: bytes) -> bool:
    """Store ``content`` as ``name`` unless that file already holds exactly it; True if written."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as file:
            if file.read() == content:
                return False
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(content))
    if stored != name:  # another process wrote it meanwhile; ours is the same drawing
        default_storage.delete(stored)
    return True
