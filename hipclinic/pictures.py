"""Pictures people upload (exercise pictures, clinic logos): one rule for all of them.

A picture is shown in the app, on the patient's phone and in the printed handout,
so it must really be the image it claims to be: a PNG or JPEG that Pillow can
read, or an SVG that is a plain drawing (stored as hipclinic.svg redraws it, never
as uploaded). It must also stay small enough to render quickly: at most 2 MB,
and at most 16 megapixels, read from the file's header before any pixel is
unpacked, because a 25 KB PNG can unpack into 10000 × 10000 pixels and hold a
handout preview for half a minute. Checked by content, never by the file name
alone: the name only says which check to run, and the content must then pass it.

``PictureField`` puts the rule on the model: its validator gives forms and the
admin the error beside the field, and its file refuses to be saved unchecked, so
code that saves a picture directly cannot store anything else either.
"""

import io
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from hipclinic.files import ServedFile, ServedFileMixin
from hipclinic.svg import sanitize_svg

MAX_BYTES = 2 * 1024 * 1024
# A handout picture never needs more; a bigger one is a camera photo to save smaller,
# or a small file that unpacks into gigabytes of pixels.
MAX_PIXELS = 16_000_000
RASTER_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg")}
WRONG_KIND = gettext_lazy("The picture must be a PNG, JPEG or SVG file.")
LIMITS = gettext_lazy("PNG, JPEG or SVG, at most 2 MB and 16 megapixels.")


@dataclass(frozen=True)
class Picture:
    """A checked picture: its kind, and the bytes to store."""

    kind: str  # "PNG", "JPEG" or "SVG"
    content: bytes


def check_picture(file, name: str | None = None) -> Picture:
    """``file`` checked as a picture; ValidationError, in plain words, if it is not one
    we store. ``name`` (the file's own by default) says which check applies."""
    name = (name or file.name or "").lower()
    file.seek(0)
    data = file.read(MAX_BYTES + 1)  # never more than the limit into memory
    file.seek(0)
    if len(data) > MAX_BYTES:
        size = getattr(file, "size", None) or len(data)
        raise ValidationError(
            _("The picture is %(size).1f MB; the limit is 2 MB. Save it smaller and try again.")
            % {"size": size / 1024 / 1024}
        )
    if name.endswith(".svg"):
        return Picture("SVG", sanitize_svg(data))
    if name.endswith((".png", ".jpg", ".jpeg")):
        return Picture(check_raster(data, name), data)
    raise ValidationError(WRONG_KIND)


def check_raster(data: bytes, name: str) -> str:
    """The format of a PNG or JPEG that Pillow can read, within the pixel limit, that
    matches its file name."""
    try:
        # Opening reads the header only; the size is known before anything is unpacked.
        # Pillow's warning past 89 megapixels says less than the limit below does.
        with (
            warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning),
            Image.open(io.BytesIO(data)) as image,
        ):
            kind, (width, height) = image.format, image.size
            if width * height <= MAX_PIXELS:
                image.verify()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            _(
                "The picture claims so many pixels that unpacking it would overwhelm the "
                "server (a decompression bomb); it is refused. Save it at most 16 megapixels "
                "and try again."
            )
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The file is not a picture Pillow can read.") + " " + str(WRONG_KIND)
        ) from error
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "The picture is %(width)s × %(height)s pixels (%(megapixels).1f megapixels); "
                "the limit is 16 megapixels. Save it smaller and try again."
            )
            % {"width": width, "height": height, "megapixels": width * height / 1_000_000}
        )
    if kind not in RASTER_FORMATS or not name.endswith(RASTER_FORMATS[kind]):
        raise ValidationError(
            _("The file's contents do not match its name (a .png must hold a PNG, a .jpg a JPEG).")
        )

    return kind


def validate_picture(value) -> None:
    """The model's validator: a newly assigned file must pass ``check_picture``.

    A file already in storage was checked when it was saved, and is not read again
    on every edit of its record.
    """
    if value and not getattr(value, "_committed", False):
        check_picture(value)


class PictureFile(ServedFile, FieldFile):
    """A stored picture whose save checks it first and stores what the check returns."""

    def save(self, name, content, save=True):
        picture = check_picture(content, name)
        super().save(name, ContentFile(picture.content), save)


class PictureField(ServedFileMixin, models.FileField):
    """A file field for an uploaded picture, held to ``check_picture`` however it is saved,
    and served by its row's view (``url_name``), never by its storage path."""

    attr_class = PictureFile
    plain_path = "django.db.models.FileField"
    default_validators = [validate_picture]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", LIMITS)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        accept = ".png,.jpg,.jpeg,.svg,image/png,image/jpeg,image/svg+xml"
        field = super().formfield(**kwargs)
        if isinstance(field.widget, forms.FileInput):
            field.widget.attrs.setdefault("accept", accept)
        return field
