"""The handout's fetcher: the only way WeasyPrint reads a file while rendering a handout.

This is the security boundary of rendering. Handout pages name their stylesheet,
fonts and pictures under an origin that is never contacted; ``HandoutFetcher``
answers for it from our own static files (Django's finders) and stored media
(Django's default storage), accepts ``data:`` URLs for images only, and refuses
everything else: http, https to any other host, file, a path that climbs out of its
folder. Every user-typed field reaches the page escaped, so no note or name can
make the server fetch a URL or read a file.
"""

import base64
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import weasyprint
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

# Handout pages name their resources under this origin. It is never contacted:
# HandoutFetcher answers for it from our own static and media files.
HANDOUT_ORIGIN = "https://handout.hipclinic.invalid"
BASE_URL = f"{HANDOUT_ORIGIN}/"
STATIC_PREFIX = "/static/"
MEDIA_PREFIX = "/media/"

DATA_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}


class ResourceRefused(ValueError):
    """A handout asked for something outside our static and media files."""


class HandoutFetcher(weasyprint.URLFetcher):
    """WeasyPrint's URL fetcher for handouts: our static and media files, nothing else.

    ``https://handout.hipclinic.invalid/static/<path>`` is a static file (found by
    Django's staticfiles finders) and ``.../media/<name>`` a file in Django's
    default storage; ``data:`` URLs are accepted for images only. Anything else
    (http, https to any other host, file, ftp, a path that climbs out of its root)
    raises ResourceRefused, which WeasyPrint turns into a missing resource: an
    image leaves a gap, the render goes on. ``fetched`` and ``refused`` list the
    URLs asked for, for tests and debugging.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            response = self.resolve(url)
        except ResourceRefused:
            self.refused.append(url)
            raise
        self.fetched.append(url)
        return response

    def resolve(self, url: str) -> weasyprint.urls.URLFetcherResponse:
        if url[:5].lower() == "data:":
            return data_image(url)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != HANDOUT_ORIGIN or parts.query:
            raise ResourceRefused(f"Handouts load only their own files, not {url[:80]!r}.")
        path = unquote(parts.path)
        if path.startswith(STATIC_PREFIX):
            body = static_file(relative_path(path.removeprefix(STATIC_PREFIX)))
        elif path.startswith(MEDIA_PREFIX):
            body = media_file(relative_path(path.removeprefix(MEDIA_PREFIX)))
        else:
            raise ResourceRefused(f"Handouts load only static and media files, not {path!r}.")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": content_type})


def relative_path(path: str) -> str:
    """``path`` as a clean path inside its root, or ResourceRefused if it could leave it."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise ResourceRefused("Refused a file path.")
    clean = posixpath.normpath(path)
    if clean == ".." or clean.startswith("../") or clean == ".":
        raise ResourceRefused("Refused a file path outside its folder.")
    return clean


def static_file(path: str) -> bytes:
    try:
        found = finders.find(path)
    except SuspiciousFileOperation as error:
        raise ResourceRefused("Refused a static path.") from error
    if not found:
        raise ResourceRefused(f"No static file {path!r}.")
    return Path(found).read_bytes()


def media_file(name: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as file:
            return file.read()
    except (SuspiciousFileOperation, FileNotFoundError, OSError) as error:
        raise ResourceRefused(f"No media file {name!r}.") from error


def data_image(url: str) -> weasyprint.urls.URLFetcherResponse:
    header, comma, payload = url[5:].partition(",")
    content_type = header.split(";")[0].strip().lower()
    if not comma or content_type not in DATA_IMAGE_TYPES:
        raise ResourceRefused("Handouts accept data: URLs for images only.")
    if header.lower().endswith(";base64"):
        body = base64.b64decode(payload, validate=False)
    else:
        body = unquote_to_bytes(payload)
    return weasyprint.urls.URLFetcherResponse(
        "data:", body, {"Content-Type": content_type}, status=200
    )


def static_url(path: str) -> str:
    return f"{HANDOUT_ORIGIN}{STATIC_PREFIX}{path}"


def media_url(name: str) -> str:
    return f"{HANDOUT_ORIGIN}{MEDIA_PREFIX}{name}" if name else ""
