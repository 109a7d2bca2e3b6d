"""A clinic's logo, uploaded by its manager in the admin, follows the picture rule: the
probe's 50 MB PNG, its 25 KB PNG of 10000 × 10000 pixels and its .eps file are refused
in the form, and nothing refused is stored or re-issued."""

import functools
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hipclinic.models import BackgroundJob

pytestmark = pytest.mark.django_db


@functools.cache
def png(width: int, height: int, padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue() + b"\0" * padding


def post_logo(client, clinic, name: str, content: bytes):
    data = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "language": clinic.language,
        "phone": clinic.phone,
        "paper_size": clinic.paper_size,
        "alert_pain_at": clinic.alert_pain_at,
        "alert_pain_rise": clinic.alert_pain_rise,
        "alert_emails": "on" if clinic.alert_emails else "",
        "nudge_after_days": clinic.nudge_after_days,
        "logo": SimpleUploadedFile(name, content),
    }
    return client.post(reverse("admin:hipclinic_clinic_change", args=[clinic.pk]), data)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.png",
            png(120, 40, padding=50 * 1024 * 1024),
            "The picture is 50.0 MB; the limit is 2 MB.",
        ),
        (
            "logo.png",
            png(10_000, 10_000),
            "10000 × 10000 pixels (100.0 megapixels); the limit is 16",
        ),
        ("logo.png", png(20_000, 10_000), "(a decompression bomb); it is refused"),
        (
            "logo.eps",
            b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
            "must be a PNG, JPEG or SVG",
        ),
        (
            "logo.svg",
            rb'<svg xmlns="http://www.w3.org/2000/svg"><style>@\69mport "http://x/y.css";</style></svg>',
            "The SVG&#x27;s style uses @import",
        ),
    ],
)
def test_a_logo_outside_the_rule_is_refused_in_the_form_and_nothing_is_stored(
    client, settings, clinic, manager, name, content, message
):
    client.force_login(manager)

    response = post_logo(client, clinic, name, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.logo.name == ""
    assert stored_files(settings) == []
    assert not BackgroundJob.objects.exists()  # no handout is re-issued for a refused logo


def test_a_logo_that_fits_is_stored_and_the_limits_are_shown(client, settings, clinic, manager):
    client.force_login(manager)
    page = client.get(reverse("admin:hipclinic_clinic_change", args=[clinic.pk]))

    response = post_logo(client, clinic, "logo.png", png(1200, 400))

    assert "PNG, JPEG or SVG, at most 2 MB and 16 megapixels." in page.content.decode()
    assert 'accept=".png,.jpg,.jpeg,.svg' in page.content.decode()
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.logo.name == "clinic-logos/logo.png"
    assert [path.name for path in stored_files(settings)] == ["logo.png"]


def test_an_svg_logo_is_stored_as_redrawn(client, clinic, manager):
    client.force_login(manager)
    uploaded = (
        b'<?xml version="1.0"?><!-- exported -->\n<svg xmlns="http://www.w3.org/2000/svg"'
        b' viewBox="0 0 30 10"><metadata>x</metadata><rect width="30" height="10" fill="navy"/>'
        b"</svg>"
    )

    response = post_logo(client, clinic, "logo.svg", uploaded)

    assert response.status_code == 302
    clinic.refresh_from_db()
    with clinic.logo.open("rb") as stored:
        assert stored.read() == (
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 10">'
            b'<rect width="30" height="10" fill="navy"/></svg>\n'
        )
