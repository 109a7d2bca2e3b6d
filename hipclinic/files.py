"""Stored files reach a browser only through an app view that checks who asks.

Nothing serves ``MEDIA_ROOT`` or the bucket directly, with DEBUG on or off: a
storage name is not a URL. A stored picture is addressed by the row it belongs to
(``/library/<id>/picture``, ``/clinics/<id>/logo``); that row's view looks it up
through ``visible_to(request.user)``, so what a user may not see is a 404 like
what does not exist, and then answers with ``picture_response``. Handout PDFs have
their own download views.

Every file field is a ``ServedFileField`` or ``ServedImageField`` (a test checks):
its ``.url`` (in templates, the admin's "Currently:" link, crispy forms) is its
view's URL, so no page can link to storage by mistake.
"""

import hashlib

from django.core import checks
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response

# Browsers keep a picture for an hour before asking again (an ETag makes that cheap);
# the URL changes when the picture does, so a new one shows at once.
PICTURE_MAX_AGE = 3600
SVG = "image/svg+xml"
# An SVG opened on its own is a document: it may draw with its own inline styles
# and nothing else (no scripts, no fetches, no forms, no plugins).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
RASTER_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def picture_type(name: str, data: bytes) -> str | None:
    """The content type of a stored picture, from the allow-list: PNG or JPEG by their
    first bytes, SVG by name (uploads were checked when stored). None for anything else."""
    for signature, content_type in RASTER_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    if name.lower().endswith(".svg"):
        return SVG
    return None


def picture_response(request, name: str, *, version: str = "") -> HttpResponse:
    """The stored picture ``name`` as a response a browser can cache privately but never
    run: ETag from its content (304 when the browser has it), ``Cache-Control: private``,
    ``nosniff``, and a sandboxing policy for SVG. 404 for a missing file or one that is
    not a PNG, JPEG or SVG. The caller has already decided the user may see it.

    With a ``version`` (``picture_version``, from the database) the ETag is that instead,
    and a browser that already has it gets its 304 without storage being read at all:
    the patient's page is opened far more often than a picture changes.
    """
    if not name:
        raise Http404("No picture.")
    if version:
        etag = f'"v-{version}"'
        response = get_conditional_response(request, etag=etag)
        if response is not None:
            return picture_headers(response, etag, SVG if name.lower().endswith(".svg") else "")
    try:
        with default_storage.open(name, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        raise Http404("No picture.") from None
    content_type = picture_type(name, data)
    if content_type is None:
        raise Http404("No picture.")
    if not version:
        etag = f'"{hashlib.sha256(data).hexdigest()}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(data, content_type=content_type)
    return picture_headers(response, etag, content_type)


def picture_headers(response: HttpResponse, etag: str, content_type: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={PICTURE_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type == SVG:
        response["Content-Security-Policy"] = SVG_POLICY
    return response


def picture_version(name: str, changed) -> str:
    """A short hash naming one version of a stored file: its name and when its row last
    changed (a drawing is rewritten under the same name when its pose changes)."""
    return hashlib.sha256(f"{name}\n{changed or ''}".encode()).hexdigest()[:12]


class ServedFile:
    """A stored file whose ``url`` is its row's view, never a storage path.

    The query string changes with the stored name and, where the row has one, its
    ``updated_at``: a drawing is rewritten under the same name when its pose changes.
    """

    @property
    def url(self) -> str:
        self._require_file()
        if self.instance.pk is None:
            return ""  # nothing to link to before the row is saved
        version = picture_version(self.name, getattr(self.instance, "updated_at", None))
        return f"{reverse(self.field.url_name, args=[self.instance.pk])}?v={version}"


class ServedFieldFile(ServedFile, FieldFile):
    pass


class ServedImageFieldFile(ServedFile, ImageFieldFile):
    pass


class ServedFileMixin:
    """``url_name``: the view that serves the file, given the row's primary key."""

    def __init__(self, *args, url_name: str = "", **kwargs):
        self.url_name = url_name
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # How a file is linked is not part of the schema: migrations see Django's own
        # field, so this needs none (their copies of the field have no url_name).
        name, _, args, kwargs = super().deconstruct()
        return name, self.plain_path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not self.url_name:
            errors.append(
                checks.Error("A served file field needs the url_name of its view.", obj=self)
            )
        return errors


class ServedFileField(ServedFileMixin, models.FileField):
    attr_class = ServedFieldFile
    plain_path = "django.db.models.FileField"


class ServedImageField(ServedFileMixin, models.ImageField):
    attr_class = ServedImageFieldFile
    plain_path = "django.db.models.ImageField"
